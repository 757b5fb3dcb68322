"""Wagtail admin views that name a page in their URL, or list pages with no hook to
narrow them, answer 404 to editors for whom the page is out of scope (cms.page_scope;
docs/decisions/0021). The listings that have hooks are narrowed in cms/wagtail_hooks.py."""

from django.http import Http404

from cms.page_scope import is_page_in_scope

# URL arguments that name a page, by URL namespace ("" for the explorer and chooser).
PAGE_ARGUMENTS = {
    "": ("parent_page_id",),
    "wagtailadmin_pages": (
        "page_id",
        "parent_page_id",
        "page_to_move_id",
        "destination_id",
        "pk",
    ),
    "wagtailadmin_api:pages": ("pk",),
    "wagtailforms": ("page_id",),
    "simple_translation": ("page_id",),
    "wagtailadmin_workflows": ("page_pk",),
}
# Reports that list every page of the site, with no way to narrow them: platform admins'.
SITE_WIDE_REPORTS = {
    "wagtailadmin_reports:page_types_usage",
    "wagtailadmin_reports:page_types_usage_results",
    "wagtailadmin_reports:workflow",
    "wagtailadmin_reports:workflow_results",
    "wagtailadmin_reports:workflow_tasks",
    "wagtailadmin_reports:workflow_tasks_results",
}


class PagesInScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        match = request.resolver_match
        if user is None or not user.is_authenticated or user.is_superuser or match is None:
            return None
        if match.view_name in SITE_WIDE_REPORTS:
            raise Http404
        for argument in PAGE_ARGUMENTS.get(match.namespace, ()):
            page_id = view_kwargs.get(argument)
            if page_id is not None and not is_page_in_scope(user, page_id):
                raise Http404
        return None
