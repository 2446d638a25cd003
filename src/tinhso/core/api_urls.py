from rest_framework.routers import SimpleRouter

from .api import AgencyViewSet, UnitViewSet

router = SimpleRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("agencies", AgencyViewSet, basename="agency")
urlpatterns = router.urls
