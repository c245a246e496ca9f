"""Signing in with an e-mail address and password (Django's ``ModelBackend``), reading the
signed-in person's membership and organisation with them.

Nearly every page asks for the membership (roles, organisation, navigation): read in the same
query as the person on each request, it costs no query of its own.
"""

from django.contrib.auth.backends import ModelBackend

from accounts.models import Membership, User

# Sessions that began before this backend name Django's own: they stay signed in (see
# ``accounts.middleware.SessionBackendMiddleware``).
PREVIOUS_BACKEND = "django.contrib.auth.backends.ModelBackend"
BACKEND = "accounts.backends.MemberBackend"


class MemberBackend(ModelBackend):
    def get_user(self, user_id):
        user = (
            User._default_manager.select_related("membership__organisation")
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        try:
            membership = user.membership
        except Membership.DoesNotExist:
            membership = None
        # What ``accounts.selectors.membership_of`` would otherwise read in a query of its own.
        user._limen_membership = membership
        return user
