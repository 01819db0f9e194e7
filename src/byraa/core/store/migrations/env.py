"""Alembic environment: runs on the connection byraa hands over (never builds its own)."""

from alembic import context
from sqlmodel import SQLModel

from byraa.core.store.tables import load_all

load_all()  # every table on SQLModel.metadata, for autogenerate
config = context.config
target_metadata = SQLModel.metadata

connection = config.attributes.get("connection")
if connection is None:  # `alembic` run by hand: build an engine from the ini URL
    from sqlalchemy import create_engine

    url = config.get_main_option("sqlalchemy.url")
    assert url, "alembic run by hand needs sqlalchemy.url in its ini file"
    engine = create_engine(url)
    connection = engine.connect()

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
