"""``byraa sandbox``: the Altinn sandbox alone, on loopback (127.0.0.1) only."""

from __future__ import annotations

from pathlib import Path

import click

from byraa.core.words.i18n import _


@click.command("sandbox")
@click.option("--port", type=click.IntRange(0, 65535), default=8787, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--latency", "latency_ms", type=click.IntRange(0, 60_000), default=0, metavar="MS",
              help="Delay added to every answer.")
@click.option("--fail-rate", type=click.FloatRange(0, 1), default=0.0, metavar="R",
              help="Share of calls answered 500/503.")
@click.option("--malformed-rate", type=click.FloatRange(0, 1), default=0.0, metavar="R",
              help="Share of answers with a malformed body.")
@click.option("--rate-limit-rate", type=click.FloatRange(0, 1), default=0.0, metavar="R",
              help="Share of calls answered 429 with Retry-After.")
@click.option("--ready-after", type=click.IntRange(0, 100), default=1, show_default=True, metavar="N",
              envvar="BYRAA_SANDBOX_READY_AFTER",
              help="Tax cards, A07 and feedback are not ready for the first N polls (BYRAA_SANDBOX_READY_AFTER).")
@click.option("--seed", type=int, default=0, help="Seed of the fault dice (same seed, same faults).")
@click.option("--key-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Generate a demo key pair here (private key 0600) and register it.")
@click.option("--with-store", is_flag=True, help="Answer consistently with byraa's database (clients, payroll).")
def command(port: int, latency_ms: int, fail_rate: float, malformed_rate: float, rate_limit_rate: float,
            ready_after: int, seed: int, key_dir: Path | None, with_store: bool) -> None:
    """Serve the Altinn sandbox (Maskinporten, tax cards, A07, a-melding) on 127.0.0.1.

    Faults can also be switched while it runs: POST JSON to /_sandbox/faults; counters
    are on /_sandbox/stats; register a public key with POST /_sandbox/clients.
    """
    from byraa.core.altinn.settings import settings_for
    from byraa.sandbox import Faults, SandboxState, generate_key_pair
    from byraa.sandbox.ensure import register as provide_sandbox
    from byraa.sandbox.server import LOOPBACK, serve

    provide_sandbox()  # this process serves the sandbox environment: say so in the registry

    store = None
    if with_store:
        from byraa.cli.context import workspace

        store = workspace().store
    base = f"http://{LOOPBACK}:{port}"
    state = SandboxState(
        settings=settings_for("sandbox", base_url=base), store=store, ready_after_polls=ready_after,
        faults=Faults(latency_ms=latency_ms, fail_rate=fail_rate, malformed_rate=malformed_rate,
                      rate_limit_rate=rate_limit_rate, seed=seed),
    )
    if store is not None:  # accept the agency's own key (the demo's, or one configured by hand)
        from byraa.sandbox.ensure import agency_of

        state.agency = agency_of(store)
        from byraa.core.altinn.connection import agency_connection
        from byraa.sandbox.ensure import register_configured_key

        configured = agency_connection(store)
        if configured is not None and configured.environment == "sandbox":
            register_configured_key(state, configured)
            click.echo(_("Accepting the agency's key {kid} (client id {client}).").format(
                kid=configured.key_id, client=configured.client_id))
    if key_dir is not None:
        key = generate_key_pair(key_dir)
        state.register_key("byraa-demo", key.key_id, key.public_pem)
        click.echo(_("Demo key: {path} (client id byraa-demo, key id {kid})").format(path=key.private_path,
                                                                                  kid=key.key_id))
    click.echo(_("Sandbox on {url} (issuer {issuer}); Ctrl+C stops it.").format(url=base, issuer=state.issuer))
    serve(state, port=port)
