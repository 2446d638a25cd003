from rest_framework.routers import SimpleRouter

from .api import (
                  AccessRightViewSet,
                  CredentialViewSet,
                  MessageLogViewSet,
                  ServiceViewSet,
                  SystemViewSet,
)

router = SimpleRouter()
router.register("exchange/systems", SystemViewSet, basename="exchange-system")
router.register("exchange/services", ServiceViewSet, basename="exchange-service")
router.register("exchange/credentials", CredentialViewSet, basename="exchange-credential")
router.register("exchange/access-rights", AccessRightViewSet, basename="exchange-access")
router.register("exchange/log", MessageLogViewSet, basename="exchange-log")
urlpatterns = router.urls
