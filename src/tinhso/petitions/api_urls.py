from rest_framework.routers import SimpleRouter

from .api import PetitionViewSet

router = SimpleRouter()
router.register("petitions", PetitionViewSet, basename="petition")
urlpatterns = router.urls
