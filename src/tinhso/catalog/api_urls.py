from rest_framework.routers import SimpleRouter

from .api import ProcedureViewSet, SectorViewSet, VersionViewSet

router = SimpleRouter()
router.register("sectors", SectorViewSet, basename="sector")
router.register("procedures", ProcedureViewSet, basename="procedure")
router.register("procedure-versions", VersionViewSet, basename="procedure-version")
urlpatterns = router.urls
