"""The citizens' portal. Mounted at the site root; `portal:index` is the procedure search."""

from django.urls import path

from .views import catalog, dossiers, filing, public

app_name = "portal"

urlpatterns = [
    path("", catalog.home, name="home"),
    path("procedures/", catalog.search, name="index"),
    path("procedures/<str:code>/", catalog.procedure, name="procedure"),
    path("procedures/<str:code>/templates/<int:pk>/", catalog.component_template,
         name="component_template"),
    path("procedures/<str:code>/file/", filing.start, name="file"),
    path("filing/", filing.drafts, name="drafts"),
    path("filing/<int:pk>/case/", filing.case, name="draft_case"),
    path("filing/<int:pk>/applicant/", filing.applicant, name="draft_applicant"),
    path("filing/<int:pk>/papers/", filing.papers, name="draft_papers"),
    path("filing/<int:pk>/review/", filing.review, name="draft_review"),
    path("filing/<int:pk>/submit/", filing.submit, name="draft_submit"),
    path("filing/<int:pk>/discard/", filing.discard, name="draft_discard"),
    path("my/dossiers/", dossiers.my_dossiers, name="my_dossiers"),
    path("my/dossiers/<str:code>/", dossiers.my_dossier, name="my_dossier"),
    path("my/dossiers/<str:code>/receipt/", dossiers.receipt, name="receipt"),
    path("my/dossiers/<str:code>/receipt.pdf", dossiers.receipt_pdf, name="receipt_pdf"),
    path("my/dossiers/<str:code>/withdraw/", dossiers.withdraw, name="withdraw"),
    path("my/dossiers/<str:code>/supplement/", dossiers.supplement, name="supplement"),
    path("my/dossiers/<str:code>/rate/", dossiers.rate, name="rate"),
    path("my/dossiers/<str:code>/pay/", dossiers.pay, name="pay"),
    path("my/dossiers/<str:code>/results/<int:pk>/", dossiers.result_file, name="result_file"),
    path("my/dossiers/<str:code>/papers/<int:pk>/", dossiers.paper_file, name="paper_file"),
    path("payments/return/", dossiers.payment_return, name="payment_return"),
    path("payments/ipn/", dossiers.payment_ipn, name="payment_ipn"),
    path("track/", public.track, name="track"),
    path("petitions/", public.petition_track, name="petition_track"),
    path("petitions/new/", public.petition_new, name="petition_new"),
    path("petitions/sent/<str:code>/", public.petition_sent, name="petition_sent"),
    path("signin/", public.signin, name="signin"),
    path("signin/failed/", public.signin_failed, name="signin_failed"),
]
