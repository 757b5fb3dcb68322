import datetime
from pathlib import Path

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Locale

from accounts import services as account_services
from accounts.models import CareLink, CareRecipient, User
from assessments import services as assessment_services
from billing import applications, contracting
from billing import services as billing_services
from billing.models import Entitlement, Programme, Purchaser
from care import services as care_services
from care.models import CarePlan, PlanItem
from care.occurrences import make_occurrences
from care.patterns import VisitPattern
from cms import channels, demo_data, demo_history, demo_reviews, demo_spot_checks, demo_today
from cms.models import (
    ActivityPage,
    ChannelPostPage,
    CommunityChannelPage,
    HomePage,
    PolicyIndexPage,
    PolicyPage,
    SurveyField,
    SurveyPage,
)
from communities.models import Region
from marketplace import services as market_services
from marketplace.models import Category, Service, Slot
from marketplace.slots import materialise_slots
from orders.models import Order
from providers import members as provider_members
from providers import services as provider_services
from providers import venues as venue_services
from providers.grading import QuarterFigures, previous_quarter, quarter_of
from providers.models import Provider
from providers.rules import required_for_provider, required_for_worker


class Command(BaseCommand):
    help = (
        "Build the demo neighbourhood: regions, a user for every role, care recipients. "
        "Safe to run again."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        self.regions = self._regions()
        admin = self._user(*demo_data.ADMIN, superuser=True)
        logins = [(admin.email, "平台管理员 / platform admin")]

        for email, name, community_code, address in demo_data.RESIDENTS:
            user = self._user(email, name)
            account_services.update_resident_profile(
                user=user, phone="", community=self.regions[community_code], address=address
            )
            logins.append((email, f"{name} · 居民 / resident"))

        for email, name, role, region_code in demo_data.STAFF:
            user = self._user(email, name)
            account_services.grant_role(
                user=user, role=role, region=self.regions[region_code], by=admin
            )
            logins.append((email, f"{name} · {role}"))

        vetting_staff = User.objects.get(email="staff.weifang@linli.local")
        for entry in demo_data.PROVIDERS:
            logins.extend(self._provider(*entry, vetting_staff=vetting_staff))

        for entry in demo_data.SERVICES:
            self._service(*entry, vetting_staff=vetting_staff)

        for name, born, community_code, address, alone, links in demo_data.CARE_RECIPIENTS:
            self._care_recipient(name, born, community_code, address, alone, links)

        self._purchase_of_service(admin)
        canteen_meal = self._canteen(vetting_staff)
        self._demo_photos()
        # Contracts before the past months: a programme pays only contracted providers.
        self._contracts()
        demo_history.seed(
            purchaser=Purchaser.objects.get(name_zh=demo_data.PURCHASER[0]),
            officer=User.objects.get(email=demo_data.PURCHASER[3]),
            staff=User.objects.get(email="staff.weifang@linli.local"),
            today=timezone.localdate(),
        )
        demo_reviews.seed()
        self._waiting_application()
        self._care_plan()
        self._todays_sitting(canteen_meal)
        demo_today.seed()
        self._last_quarters_grades(vetting_staff)
        demo_spot_checks.seed_call_back()

        self._english_home_page()
        channels.ensure_channel_pages()
        self._channel_content()
        self._policy_pages()
        self._print_logins(logins)

    def _regions(self) -> dict[str, Region]:
        regions = {}
        code, zh, en = demo_data.DISTRICT
        district, _ = Region.objects.update_or_create(
            code=code, defaults={"level": "district", "parent": None, "name_zh": zh, "name_en": en}
        )
        regions[code] = district
        for street_code, street_zh, street_en, communities in demo_data.STREETS:
            street, _ = Region.objects.update_or_create(
                code=street_code,
                defaults={
                    "level": "street",
                    "parent": district,
                    "name_zh": street_zh,
                    "name_en": street_en,
                },
            )
            regions[street_code] = street
            for community_code, community_zh, community_en in communities:
                regions[community_code], _ = Region.objects.update_or_create(
                    code=community_code,
                    defaults={
                        "level": "community",
                        "parent": street,
                        "name_zh": community_zh,
                        "name_en": community_en,
                    },
                )
        return regions

    def _provider(self, name, kind, code, status, community_codes, members, *, vetting_staff):
        owner_email, owner_name, _role, _eldercare = members[0]
        owner = self._user(owner_email, owner_name)
        logins = [(owner_email, f"{owner_name} · {name}")]
        provider = Provider.objects.filter(name=name).first()
        if provider is None:
            description_zh, description_en = demo_data.PROVIDER_DESCRIPTIONS[name]
            provider = provider_services.register_provider(
                by=owner,
                kind=kind,
                name=name,
                legal_name=f"上海市浦东新区{name}",
                credit_code=code,
                contact_name=owner_name,
                contact_phone="021-5888 6666",
                description_zh=description_zh,
                description_en=description_en,
                communities=[self.regions[c] for c in community_codes],
            )
            expires_on = timezone.localdate() + datetime.timedelta(days=365)
            for document_kind in required_for_provider(kind):
                provider_services.upload_document(
                    provider=provider,
                    by=owner,
                    kind=document_kind,
                    expires_on=expires_on,
                    upload=SimpleUploadedFile("demo.pdf", demo_data.DEMO_PDF),
                )
            provider_services.submit_application(provider=provider, by=owner)
            if status == "approved":
                provider_services.approve_application(provider=provider, by=vetting_staff)
        for email, member_name, role, eldercare in members[1:]:
            user = self._user(email, member_name)
            if not provider.members.filter(user=user).exists():
                invitation = provider_members.invite_member(
                    provider=provider,
                    by=owner,
                    email=email,
                    role=role,
                    gives_eldercare=eldercare,
                )
                provider_members.accept_invitation(invitation=invitation, user=user)
            self._worker_papers(provider.members.get(user=user), owner, vetting_staff)
            logins.append((email, f"{member_name} · {name}"))
        return logins

    def _worker_papers(self, member, owner, vetting_staff):
        """A worker's own certificates, valid for a year and approved by staff, so the demo's
        assign lists offer them (issue 19: 周阿姨 had none and could not be sent)."""
        if member.documents.filter(status="approved").exists():
            return
        expires_on = timezone.localdate() + datetime.timedelta(days=365)
        for document_kind in required_for_worker(gives_eldercare=member.gives_eldercare):
            document = provider_services.upload_document(
                provider=member.provider,
                by=owner,
                member=member,
                kind=document_kind,
                expires_on=expires_on,
                upload=SimpleUploadedFile("demo.pdf", demo_data.DEMO_PDF),
            )
            provider_services.approve_document(document=document, by=vetting_staff)

    def _service(
        self,
        provider_name,
        category_slug,
        title_zh,
        title_en,
        description_zh,
        price_fen,
        unit,
        minutes,
        funding_mode,
        qualification,
        *,
        vetting_staff,
    ):
        provider = Provider.objects.get(name=provider_name)
        if provider.services.filter(title_zh=title_zh).exists():
            return
        owner = provider.members.get(role="owner").user
        service = market_services.create_service(
            provider=provider,
            by=owner,
            category=Category.objects.get(slug=category_slug),
            title_zh=title_zh,
            title_en=title_en,
            description_zh=description_zh,
            price_fen=price_fen,
            unit=unit,
            duration_minutes=minutes,
            funding_mode=funding_mode,
            required_qualification=qualification,
            communities=list(provider.communities.all()),
        )
        market_services.set_weekly_hours(
            service=service,
            by=owner,
            rows=[
                {
                    "weekday": day,
                    "starts_at": datetime.time.fromisoformat(start),
                    "ends_at": datetime.time.fromisoformat(end),
                    "capacity": capacity,
                }
                for day, start, end, capacity in demo_data.WEEKLY_HOURS
            ],
        )
        market_services.submit_service(service=service, by=owner)
        market_services.approve_service(service=service, by=vetting_staff)

    def _user(self, email: str, name: str, superuser: bool = False) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            create = User.objects.create_superuser if superuser else User.objects.create_user
            user = create(email=email, password=demo_data.DEMO_PASSWORD, display_name=name)
        else:
            user.set_password(demo_data.DEMO_PASSWORD)
            user.display_name = name
            user.save(update_fields=["password", "display_name"])
        # Demo addresses are verified already; real sign-ups confirm by e-mail.
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _care_recipient(self, name, born, community_code, address, alone, links) -> None:
        community = self.regions[community_code]
        first_email, first_relationship = links[0]
        first_account = User.objects.get(email=first_email)
        recipient = CareRecipient.objects.filter(name=name, community=community).first()
        if recipient is None:
            recipient = account_services.create_care_recipient(
                by=first_account,
                name=name,
                community=community,
                address=address,
                relationship=first_relationship,
                birth_date=datetime.date.fromisoformat(born),
                living_alone=alone,
            )
        for email, relationship in links[1:]:
            account = User.objects.get(email=email)
            if not CareLink.objects.filter(care_recipient=recipient, account=account).exists():
                account_services.share_care_recipient(
                    care_recipient=recipient,
                    by=first_account,
                    email=email,
                    relationship=relationship,
                )

    def _last_quarters_grades(self, staff: User) -> None:
        quarter = previous_quarter(quarter_of(timezone.localdate()))
        for name, counts in demo_data.LAST_QUARTER.items():
            figures = QuarterFigures(**counts)
            grade = provider_services.propose_grade(
                provider=Provider.objects.get(name=name), quarter=quarter, figures=figures
            )
            if not grade.confirmed:
                provider_services.confirm_grade(
                    grade=grade, by=staff, confirmed=grade.proposed, note="季度评定 / quarterly"
                )

    def _purchase_of_service(self, admin: User) -> None:
        name_zh, name_en, region_code, officer_email = demo_data.PURCHASER
        purchaser, _ = Purchaser.objects.get_or_create(
            name_zh=name_zh, defaults={"name_en": name_en, "region": self.regions[region_code]}
        )
        billing_services.add_officer(
            purchaser=purchaser, user=User.objects.get(email=officer_email), by=admin
        )
        today = timezone.localdate()
        # From January, or earlier: the demo's six past months lie in the programmes.
        since = min(today.replace(month=1, day=1), demo_history.first_month(today))
        staff = User.objects.get(email="staff.weifang1@linli.local")
        grandma = CareRecipient.objects.get(name="李秀兰")
        for (
            zh,
            en,
            words_zh,
            words_en,
            categories,
            rule,
            percent,
            fixed,
            cap,
            monthly,
            budget,
            min_age,
            alone,
        ) in demo_data.PROGRAMMES:
            programme, created = Programme.objects.get_or_create(
                purchaser=purchaser,
                name_zh=zh,
                defaults={
                    "name_en": en,
                    "description_zh": words_zh,
                    "description_en": words_en,
                    "region": purchaser.region,
                    "rule": rule,
                    "percent": percent,
                    "fixed_fen": fixed,
                    "rate_cap_fen": cap,
                    "monthly_cap_fen": monthly,
                    "budget_fen": budget,
                    "min_age": min_age,
                    "requires_living_alone": alone,
                    "valid_from": since,
                    "valid_until": today.replace(year=today.year + 1, month=12, day=31),
                },
            )
            if created:
                programme.categories.set(Category.objects.filter(slug__in=categories))
                # A recorded top-up, as the programme page shows them (decision 0032).
                billing_services.adjust_budget(
                    programme=programme,
                    amount_fen=budget // 10,
                    reason="区财政追加拨款（演示） / Supplementary allocation (demo)",
                    by=admin,
                )
            if not grandma.eligibilities.filter(programme=programme).exists():
                billing_services.record_eligibility(
                    care_recipient=grandma,
                    programme=programme,
                    by=staff,
                    valid_from=since,
                    valid_until=today.replace(year=today.year + 1, month=12, day=31),
                    note="民政局名册核对",
                )

    def _waiting_application(self) -> None:
        """An application a family sent, waiting in staff's queue (decision 0034)."""
        name, programme_zh, note = demo_data.WAITING_APPLICATION
        person = CareRecipient.objects.get(name=name)
        if person.applications.exists():
            return
        applications.apply_for_programme(
            care_recipient=person,
            programme=Programme.objects.get(name_zh=programme_zh),
            by=person.links.first().account,
            upload=SimpleUploadedFile("hukou.pdf", demo_data.DEMO_PDF),
            description="户口本 / household register",
            note=note,
        )

    def _canteen(self, vetting_staff: User) -> Service:
        """The provider's canteen with a lunch sitting every day, and the meal served there
        (decision 0028)."""
        provider_name, name, address, community_code, hours, sitting = demo_data.CANTEEN
        provider = Provider.objects.get(name=provider_name)
        owner = provider.members.get(role="owner").user
        venue = provider.venues.filter(name=name).first()
        if venue is None:
            venue = venue_services.create_venue(
                provider=provider,
                by=owner,
                name=name,
                address=address,
                community=self.regions[community_code],
                opening_hours=hours,
            )
            weekdays, at, minutes, places = sitting
            for weekday in weekdays:
                venue_services.add_sitting(
                    venue=venue,
                    by=owner,
                    weekday=weekday,
                    starts_at=datetime.time.fromisoformat(at),
                    minutes=minutes,
                    places=places,
                )
        category, title_zh, title_en, description_zh, price_fen = demo_data.CANTEEN_MEAL
        service = provider.services.filter(title_zh=title_zh).first()
        if service is None:
            service = market_services.create_service(
                provider=provider,
                by=owner,
                category=Category.objects.get(slug=category),
                title_zh=title_zh,
                title_en=title_en,
                description_zh=description_zh,
                price_fen=price_fen,
                unit="visit",
                duration_minutes=sitting[2],
                funding_mode="welfare",
                communities=list(provider.communities.all()),
                venue=venue,
                min_notice_hours=2,
            )
            market_services.submit_service(service=service, by=owner)
            market_services.approve_service(service=service, by=vetting_staff)
        return service

    def _demo_photos(self) -> None:
        """The drawn demo photos on the services and providers that have none yet."""
        folder = Path(demo_data.__file__).parent / "demo_assets" / "photos"

        def upload(name: str) -> SimpleUploadedFile:
            return SimpleUploadedFile(name, (folder / name).read_bytes(), "image/png")

        for title_zh, name in demo_data.SERVICE_PHOTOS.items():
            for service in Service.objects.filter(title_zh=title_zh, image__isnull=True):
                owner = service.provider.members.get(role="owner").user
                market_services.set_service_photo(service=service, by=owner, upload=upload(name))
        for provider_name, (name, caption) in demo_data.PROVIDER_PHOTOS.items():
            provider = Provider.objects.get(name=provider_name)
            if not provider.photos.exists():
                owner = provider.members.get(role="owner").user
                provider_services.add_photo(
                    provider=provider, by=owner, upload=upload(name), caption=caption
                )

    def _todays_sitting(self, meal: Service) -> None:
        """Demo data: 李秀兰 and 张伟 are booked on today's lunch sitting, confirmed and paid
        at the counter, as if booked this morning, so its roll call can be tried at once
        (a booking made now could only be for a time still to come)."""
        materialise_slots(meal, start=timezone.localdate(), days=1)
        starts_at = timezone.make_aware(
            datetime.datetime.combine(
                timezone.localdate(), datetime.time.fromisoformat(demo_data.CANTEEN[5][1])
            )
        )
        slot = Slot.objects.get(service=meal, starts_at=starts_at)
        staff = User.objects.get(email="staff.weifang1@linli.local")
        for name in demo_data.CANTEEN_TODAY:
            person = CareRecipient.objects.get(name=name)
            if Order.objects.filter(slot=slot, care_recipient=person).exists():
                continue  # the plan booked it (seeded before 11:30), or an earlier seed did
            demo_history.written_order(
                slot=slot,
                person=person,
                booked_by=staff,
                status=Order.Status.CONFIRMED,
                assisted_by=staff,
                address=meal.venue.address,
                venue=meal.venue,
            )

    def _contracts(self) -> None:
        """Every programme contracts every approved demo provider for its whole period, at
        list price, so the README's subsidised journeys keep their prices (decision 0033)."""
        officer = User.objects.get(email=demo_data.PURCHASER[3])
        for programme in Programme.objects.select_related("purchaser"):
            for provider in Provider.objects.filter(status=Provider.Status.APPROVED):
                if programme.contracts.filter(provider=provider).exists():
                    continue
                contracting.create_contract(
                    programme=programme,
                    provider=provider,
                    terms=contracting.ContractTerms(
                        first_month=programme.valid_from.replace(day=1),
                        last_month=programme.valid_until.replace(day=1),
                        note="演示合同 / demo contract",
                    ),
                    by=officer,
                )

    def _care_plan(self) -> None:
        """李秀兰 is assessed (level 2), her programmes grant by level, and her plan of weekly
        bathing, meals on weekdays and a weekly visit runs from this week, today's visits
        still to come included (issue 16, point 9)."""
        grandma = CareRecipient.objects.get(name="李秀兰")
        staff = User.objects.get(email="staff.weifang1@linli.local")
        today = timezone.localdate()
        if not grandma.assessments.exists():
            assessment_services.record_assessment(
                care_recipient=grandma,
                by=staff,
                assessed_on=today - datetime.timedelta(days=10),
                scores=demo_data.GRANDMA_BARTHEL,
                cognition="mild",
                living_situation="alone",
                notes="使用助行器；洗澡需要两人协助。",
            )
        for programme_zh, level, minutes, fen in demo_data.ENTITLEMENTS:
            Entitlement.objects.get_or_create(
                programme=Programme.objects.get(name_zh=programme_zh),
                care_level=level,
                defaults={"minutes_per_month": minutes, "fen_per_month": fen},
            )
        if CarePlan.objects.filter(care_recipient=grandma).exists():
            return
        provider = Provider.objects.get(name="安馨居家养老服务社")
        plan = care_services.propose_plan(
            care_recipient=grandma,
            provider=provider,
            by=staff,
            starts_on=today + datetime.timedelta(days=1),
            patterns=[
                VisitPattern(
                    provider.services.get(title_zh=title), weekday, datetime.time.fromisoformat(at)
                )
                for title, weekday, at in demo_data.GRANDMA_PLAN
            ],
            programme=Programme.objects.get(name_zh="高龄助浴补贴"),
            goals="保持个人清洁，每天吃上热饭，每周有人上门聊天。",
            notes="膝盖不好，进出浴缸要扶稳；饭菜要软、少盐。",
        )
        # Started this week: her first visits (today's still to come among them) are booked.
        CarePlan.objects.filter(pk=plan.pk).update(starts_on=today)
        PlanItem.objects.filter(plan=plan).update(valid_from=today)
        plan.refresh_from_db()
        carer = provider.members.get(user__email="carer.anxin@linli.local")
        owner = provider.members.get(role="owner").user
        care_services.accept_plan(plan=plan, by=owner, worker=carer)
        make_occurrences(plan, from_today=True)
        self._waiting_plan(today)

    def _waiting_plan(self, today: datetime.date) -> None:
        """张伟's own weekly deep cleaning, a self-paid series waiting for 绿城物业 to accept
        or decline, so the provider's side of a plan can be tried right after start-up."""
        zhang = CareRecipient.objects.get(name="张伟")
        provider = Provider.objects.get(name="绿城物业潍坊项目部")
        title, weekday, at, hours = demo_data.WAITING_PLAN
        care_services.propose_plan(
            care_recipient=zhang,
            provider=provider,
            by=User.objects.get(email="zhang.wei@linli.local"),
            starts_on=today + datetime.timedelta(days=1),
            patterns=[
                VisitPattern(
                    provider.services.get(title_zh=title),
                    weekday,
                    datetime.time.fromisoformat(at),
                    hours,
                )
            ],
            notes="钥匙在物业前台，请先登记。",
        )

    def _english_home_page(self) -> None:
        english = Locale.objects.get(language_code="en")
        home = HomePage.objects.filter(depth=2, locale__language_code="zh-hans").first()
        if home is None or home.get_translation_or_none(english) is not None:
            return
        translated = home.copy_for_translation(english)
        translated.title = "Linli"
        translated.intro = demo_data.HOME_INTRO_EN
        revision = translated.save_revision()
        revision.publish()

    def _channel_content(self) -> None:
        channel = CommunityChannelPage.objects.get(
            region__code=demo_data.CHANNEL_COMMUNITY, locale__language_code="zh-hans"
        )
        if ChannelPostPage.objects.child_of(channel).exists():
            return
        english = Locale.objects.get(language_code="en")
        title, body, title_en, body_en = demo_data.ANNOUNCEMENT
        post = channel.add_child(
            instance=ChannelPostPage(title=title, slug="winter-safety", body=body)
        )
        post.save_revision().publish()
        self._translate(post, english, title=title_en, body=body_en)
        title, place, body, title_en, body_en, capacity = demo_data.ACTIVITY
        starts = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0)
        starts += datetime.timedelta(days=7)
        activity = channel.add_child(
            instance=ActivityPage(
                title=title,
                slug="tea-afternoon",
                place=place,
                body=body,
                capacity=capacity,
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=2),
            )
        )
        activity.save_revision().publish()
        self._translate(activity, english, title=title_en, body=body_en)
        title, questions = demo_data.SURVEY
        survey = SurveyPage(
            title=title,
            slug="meal-survey",
            form_fields=[
                SurveyField(label=label, field_type=kind, choices=choices, required=True)
                for label, kind, choices in questions
            ],
        )
        channel.add_child(instance=survey).save_revision().publish()

    def _translate(self, page, locale, **fields) -> None:
        copy = page.copy_for_translation(locale)
        for name, value in fields.items():
            setattr(copy, name, value)
        copy.save_revision().publish()

    def _policy_pages(self) -> None:
        index = PolicyIndexPage.objects.get(locale__language_code="zh-hans")
        english = Locale.objects.get(language_code="en")
        for programme in Programme.objects.all():
            if PolicyPage.objects.filter(programme=programme).exists():
                continue
            page = index.add_child(
                instance=PolicyPage(
                    title=programme.name_zh,
                    slug=slugify(programme.name_en) or f"programme-{programme.pk}",
                    programme=programme,
                    summary=programme.description_zh[:300],
                    body=f"<p>{programme.description_zh}</p>",
                )
            )
            page.save_revision().publish()
            self._translate(
                page,
                english,
                title=programme.name_en,
                summary=programme.description_en[:300],
                body=f"<p>{programme.description_en}</p>",
            )

    def _print_logins(self, logins) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data is ready. Logins (password for all: {demo_data.DEMO_PASSWORD}):"
            )
        )
        for email, who in logins:
            self.stdout.write(f"  {email:<32} {who}")
        self.stdout.write(
            "Staff, officers and the admin set up an authenticator app (TOTP) when they first "
            "log in. In the demo (DEBUG=true) the code 123456 is accepted in place of the app's."
        )
