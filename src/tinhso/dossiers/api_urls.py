from rest_framework.routers import SimpleRouter

from .api.views import DossierViewSet

router = SimpleRouter()
router.register("dossiers", DossierViewSet, basename="dossier")
urlpatterns = router.urls
