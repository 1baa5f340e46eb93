"""Prefect flow ``digest``: for every channel in ``mode: digest``, the stories waiting for it in one
message (pantau/alerts: deliver_digests), on the deployment's daily schedule. Posts the digests it sent
as the ``digest`` artifact; ends ``Failed`` with the verdict when a channel could not deliver. With
``preview`` (the run form) it shows each digest as it stands now and sends nothing."""

from prefect import flow, get_run_logger, task
from prefect.artifacts import acreate_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.states import Completed, Failed, State

from pantau import alerts, run_options
from pantau.errors import PantauError, StoreError
from pantau.flows.opening import label_run, open_run, run_name
from pantau.flows.store_failed import StoreFailed, unwrap
from pantau.models import Channel, Delivery
from pantau.report import digest_report
from pantau.run_options import DigestOptions
from pantau.store import Store
from pantau.store.timeouts import STORE_ERRORS, store_error
from pantau.topic import load_topic

DEFAULTS = DigestOptions()


@task(name="deliver-digests", cache_policy=NO_CACHE)
def deliver_digests(
    store: Store, channels: list[Channel], run_id: str, labels: dict[str, str], send_now: bool
) -> Delivery | StoreFailed:
    try:
        return alerts.deliver_digests(store, channels, run_id, labels, send_now=send_now)
    except STORE_ERRORS as e:  # the run ends with one line, not a task traceback
        return StoreFailed(str(store_error(e)))


@flow(name="digest", flow_run_name=run_name)
async def digest(options: DigestOptions = DEFAULTS, config_path: str = "") -> State:
    """Send each digest channel the stories waiting for it, in one message.

    Args:
        options: Which digest channels, whether to send before their digest_cron ticks, dry run.
        config_path: The config file (empty: $PANTAU_CONFIG, else ./config.yaml, else pantau's own).
    """
    await label_run(options)
    try:
        cfg, channels, store = open_run(config_path, options)
    except PantauError as e:
        return Failed(message=str(e))
    try:
        labels = {t.name: load_topic(cfg.topic_dir(t), t.threshold).label for t in cfg.topics}
        channels = [c for c in run_options.delivered(channels, options) if c.settings.mode == "digest"]
        quiet = run_options.sends_nothing(options)
        if quiet:
            channels, _ = run_options.dry_run_senders(channels)
        send_now = options.send_now or options.preview
        done = unwrap(deliver_digests(store, channels, str(flow_run.id or "local"), labels, send_now))
    except StoreError as e:
        get_run_logger().error("%s", e)
        return Failed(message=str(e), data=e)
    finally:
        store.close()
    outcome, message, markdown = digest_report(done, quiet, preview=options.preview)
    what = "previewed (nothing sent)" if options.preview else "would have sent" if quiet else "sent"
    await acreate_markdown_artifact(key="digest", markdown=markdown, description=f"the digests this run {what}")
    if outcome != "ok":
        return Failed(message=message, data=done)
    get_run_logger().info("%s", message)
    return Completed(message=message, data=done)
