from rest_framework.routers import SimpleRouter

from .api import MetricsViewSet

router = SimpleRouter()
router.register("metrics", MetricsViewSet, basename="metrics")
urlpatterns = router.urls
