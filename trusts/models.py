import re

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from core.models import Email

INVENTED_DATA_CACHE_KEY = "quarterdeck:invented-data-origins"
ODS_CODE_PATTERN = re.compile(r"^[A-Z0-9]{3}([A-Z0-9]{2})?$")


def validate_ods_code(value: str) -> None:
    if not ODS_CODE_PATTERN.fullmatch(value):
        raise ValidationError(
            "Enter an ODS code of 3 or 5 capital letters and digits, like RAL or G6V2S."
        )


class Region(models.TextChoices):
    """NHS England's seven regions, keyed by their ODS codes."""

    LONDON = "Y56", "London"
    SOUTH_WEST = "Y58", "South West"
    SOUTH_EAST = "Y59", "South East"
    MIDLANDS = "Y60", "Midlands"
    EAST_OF_ENGLAND = "Y61", "East of England"
    NORTH_WEST = "Y62", "North West"
    NORTH_EAST_AND_YORKSHIRE = "Y63", "North East and Yorkshire"


class TrustType(models.TextChoices):
    ACUTE = "acute", "Acute"
    ACUTE_SPECIALIST = "acute-specialist", "Acute specialist"
    MENTAL_HEALTH = "mental-health", "Mental health and learning disability"
    COMMUNITY = "community", "Community"
    AMBULANCE = "ambulance", "Ambulance"
    COMBINED = "combined", "Combined"


class DataOrigin(models.TextChoices):
    """Where a trust's record came from. Anything but ODS means invented scores are shown."""

    ODS = "ods", "NHS ODS"
    DEMO = "demo", "Demo data"
    SYNTHETIC = "synthetic", "Synthetic data"


class Trust(models.Model):
    ods_code = models.CharField(
        "ODS code", max_length=5, unique=True, validators=[validate_ods_code]
    )
    name = models.CharField(max_length=200)
    region = models.CharField(max_length=3, choices=Region)
    icb_code = models.CharField("ICB code", max_length=5, blank=True)
    trust_type = models.CharField(max_length=20, choices=TrustType, blank=True)
    origin = models.CharField(max_length=10, choices=DataOrigin, default=DataOrigin.ODS)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.ods_code})"

    @classmethod
    def invented_data_origins(cls) -> list[str]:
        """Labels of the invented data loaded (demo, synthetic), for the page banner.

        Cached for a minute: every page shows the banner, and the answer changes only when
        demo or synthetic data is loaded (which forgets it at once in that process).
        """
        origins = cache.get(INVENTED_DATA_CACHE_KEY)
        if origins is None:
            origins = list(
                cls.objects.exclude(origin=DataOrigin.ODS)
                .order_by("origin")
                .values_list("origin", flat=True)
                .distinct()
            )
            cache.set(INVENTED_DATA_CACHE_KEY, origins, timeout=60)
        return [DataOrigin(origin).label for origin in origins]

    @staticmethod
    def forget_invented_data() -> None:
        cache.delete(INVENTED_DATA_CACHE_KEY)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=normalise_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


def normalise_email(email: str) -> str:
    return email.strip().lower()


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    is_programme_staff = models.BooleanField(
        default=False, help_text="National or regional programme staff: sees every trust."
    )
    is_staff = models.BooleanField(default=False, help_text="Can sign in to the Django admin.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Any change to the person (a name corrected in the admin, an erasure), so a frozen
    # board paper that names them knows to look again (reports.paper.selectors.paper_inputs_key).
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Role(models.TextChoices):
    BOARD_MEMBER = "board_member", "Board member"
    COORDINATOR = "coordinator", "Coordinator"


class SeatGroup(models.TextChoices):
    EXECUTIVE = "executive", "Executive"
    NON_EXECUTIVE = "non_executive", "Non-executive"


class Membership(models.Model):
    """One role one person holds at one trust. A digital lead who also sits on the board
    holds two memberships."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role)
    seat_group = models.CharField(
        max_length=20,
        choices=SeatGroup,
        blank=True,
        help_text="Board members only: executive or non-executive.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["trust__name", "user__full_name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "trust", "role"], name="membership_one_role_once_per_trust"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role=Role.BOARD_MEMBER) & ~models.Q(seat_group="")
                    | models.Q(role=Role.COORDINATOR, seat_group="")
                ),
                name="membership_seat_group_for_board_members_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.trust.name}"


class Invitation(models.Model):
    """An emailed invitation to join a trust's board. The link carries a random token; only
    its SHA-256 is stored. It works once, until it expires, and not after it is revoked or
    sent again (which makes a new token)."""

    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    full_name = models.CharField(max_length=150)
    seat_group = models.CharField(max_length=20, choices=SeatGroup)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The email of the latest link (sent again, a new one): whether it went.
    delivery = models.ForeignKey(
        "core.Email", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.trust.name}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    @property
    def is_usable(self) -> bool:
        return self.is_pending and self.expires_at > timezone.now()

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "Accepted"
        if self.revoked_at:
            return "Revoked"
        if self.expires_at <= timezone.now():
            return "Expired"
        if self.delivery_id is not None and self.delivery.status != Email.Status.SENT:
            return (
                "Not sent" if self.delivery.status == Email.Status.FAILED else "Waiting to be sent"
            )
        return "Invited"
