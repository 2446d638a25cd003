from django.urls import path

from .views import documents, dossier, intake, petitions, withdrawal, work

app_name = "backoffice"

urlpatterns = [
    path("", work.index, name="index"),
    path("dossiers/", work.dossier_list, name="dossiers"),
    path("dossiers/export.xlsx", work.dossier_export, name="export"),
    path("intake/", intake.choose_procedure, name="intake"),
    path("intake/<str:procedure_code>/", intake.intake, name="intake_form"),
    path("dossiers/<str:code>/", dossier.detail, name="dossier"),
    path("dossiers/<str:code>/receipt.pdf", dossier.receipt_pdf, name="receipt"),
    path("dossiers/<str:code>/actions/<str:action>/", dossier.act, name="act"),
    path("dossiers/<str:code>/papers/<int:pk>/", dossier.component_file, name="paper"),
    path("dossiers/<str:code>/papers/<int:pk>/declaration.pdf", dossier.declaration_pdf,
         name="declaration"),
    path("dossiers/<str:code>/results/<int:pk>/", dossier.result_file, name="result"),
    path("dossiers/<str:code>/withdrawal/<int:pk>/accept/", withdrawal.accept,
         name="withdrawal_accept"),
    path("dossiers/<str:code>/withdrawal/<int:pk>/decline/", withdrawal.decline,
         name="withdrawal_decline"),
    path("petitions/", petitions.petition_list, name="petitions"),
    path("petitions/<str:code>/", petitions.petition_detail, name="petition"),
    path("petitions/<str:code>/actions/<str:action>/", petitions.petition_act,
         name="petition_act"),
    path("documents/", documents.outgoing_list, name="documents_out"),
    path("documents/incoming/", documents.incoming_list, name="documents_in"),
    path("documents/new/", documents.new_draft, name="document_new"),
    path("documents/receive/", documents.receive, name="document_receive"),
    path("documents/search/", documents.search, name="document_search"),
    path("documents/<int:pk>/", documents.detail, name="document"),
    path("documents/<int:pk>/actions/<str:action>/", documents.act, name="document_act"),
    path("documents/<int:pk>/files/<int:file_pk>/", documents.document_file,
         name="document_file"),
]
