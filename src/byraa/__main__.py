from byraa.cli.main import run

run()
