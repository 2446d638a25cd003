from rest_framework.routers import DefaultRouter

from .api import AgencyViewSet, UnitViewSet

router = DefaultRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("agencies", AgencyViewSet, basename="agency")
urlpatterns = router.urls
