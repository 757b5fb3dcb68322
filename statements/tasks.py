from django.tasks import task

from statements import jobs


@task()
def issue_in_background(*, job_id: int) -> None:
    jobs.run_issue(job_id=job_id)


@task()
def write_pdf(*, job_id: int) -> None:
    jobs.run_pdf(job_id=job_id)
