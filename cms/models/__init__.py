"""The CMS's models: pages (home, community channels, posts, activities, policies,
surveys) and the records residents make through them (registrations, survey answers),
plus staff's targeted notices."""

from cms.models.activities import ActivityRegistration
from cms.models.notices import NoticeDelivery, TargetedNotice
from cms.models.pages import (
    ActivityPage,
    ChannelIndexPage,
    ChannelPostPage,
    CommunityChannelPage,
    HomePage,
    PolicyIndexPage,
    PolicyPage,
)
from cms.models.surveys import SurveyAnswer, SurveyField, SurveyPage

__all__ = [
    "ActivityPage",
    "ActivityRegistration",
    "ChannelIndexPage",
    "ChannelPostPage",
    "CommunityChannelPage",
    "HomePage",
    "NoticeDelivery",
    "PolicyIndexPage",
    "PolicyPage",
    "SurveyAnswer",
    "SurveyField",
    "SurveyPage",
    "TargetedNotice",
]
