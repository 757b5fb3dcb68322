from django.tasks import task

from cms import channels


@task()
def add_missing_channels() -> dict:
    """Daily: a channel for every community, so one added since (in the admin, by a data
    import) gets its pages and editor group without anyone remembering to ask."""
    return {"channels_created": channels.ensure_channel_pages()}
