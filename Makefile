# tinhso: the two commands are `make demo` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test lint serve clean bench

# The environment is rebuilt only when pyproject.toml changes, so a second `make demo` is quick.
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/.installed
	$(BIN)/tinhso migrate --noinput
	@# The demo provider accepts the portal's callback at the address the browser will use;
	@# the signed results' QR codes carry the address the server will answer at.
	TINHSO_OIDC_REDIRECT_URIS="$${TINHSO_OIDC_REDIRECT_URIS:+$$TINHSO_OIDC_REDIRECT_URIS,}http://localhost:$(PORT)/oidc/callback/,http://$(HOST):$(PORT)/oidc/callback/" \
	TINHSO_SITE_URL=$${TINHSO_SITE_URL:-http://$(SITE_HOST):$(PORT)} \
	$(BIN)/tinhso load_demo
	$(BIN)/tinhso refresh_metrics --full
	$(MAKE) --no-print-directory serve

# The web server is the one production runs: gunicorn, with whitenoise serving the files that
# collectstatic gathered under var/static. The background worker (notifications), the index
# refresher (for data written in bulk, without events), the payment gateway simulator and the
# audit sealer (links new audit entries and signs a checkpoint every 30 s) run beside it and
# stop with it, and so do the national public service portal's simulator with the sender that
# synchronises every dossier change to it (unless TINHSO_NATIONAL_PORTAL_URL names the real
# one), the population database's, the personal e-data store's and the national document
# exchange axis's simulators (unless TINHSO_POPULATION_URL, TINHSO_EDATA_URL,
# TINHSO_DOCUMENT_AXIS_URL name the real ones). Unless TINHSO_LGSP_GATEWAY_URL
# names the province's LGSP, the demo's runs too: the gateway on GATEWAY_PORT (TLS, with the
# demo CA's certificates), its timestamp authority, the shared catalogue provider, and
# `tinhso exchange_demo` registering the simulators behind it and giving the one-stop system
# its client certificate, so that every national call goes through the gateway over mutual
# TLS and into its log;
# the exchange axis's worker (`tinhso document_exchange`) sends documents and statuses to
# agencies outside the province and takes in every agency's mailbox on the axis (the demo's
# knows three ministries besides the province's agencies).
# And the demo's SMTP sink: the applicants' e-mails go out through real SMTP to it
# (var/mail/, shown at /dev/mail/) unless TINHSO_EMAIL_HOST names another server; their SMS to
# the SMS brandname gateway's simulator (eSMS.vn API, shown on its own page) unless
# TINHSO_SMS_URL names the real gateway.
PAYMENT_PORT ?= 8100
GATEWAY_PORT ?= 8200
POPULATION_PORT ?= 8210
CATALOGUE_PORT ?= 8220
NATIONAL_PORTAL_PORT ?= 8230
EDATA_PORT ?= 8240
AXIS_PORT ?= 8250
TSA_PORT ?= 8400
MAIL_PORT ?= 8025
SMS_PORT ?= 8260
WEB_WORKERS ?= 2
WEB_THREADS ?= 4
# gunicorn wants an IPv6 address in brackets ([::]:8000).
BIND = $(if $(findstring :,$(HOST)),[$(HOST)],$(HOST)):$(PORT)
# Where the portal reaches the demo identity provider (this server); never a request's Host.
SITE_HOST = $(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST))
serve: $(BIN)/.installed
	$(BIN)/tinhso collectstatic --noinput --verbosity 0
	@echo "tinhso: http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	@export TINHSO_SITE_URL=$${TINHSO_SITE_URL:-http://$(SITE_HOST):$(PORT)}; \
	if [ -z "$$TINHSO_EMAIL_HOST" ]; then \
		export TINHSO_EMAIL_HOST=127.0.0.1 TINHSO_EMAIL_PORT=$(MAIL_PORT); fi; \
	if [ -z "$$TINHSO_SMS_URL" ]; then \
		export TINHSO_SMS_URL=http://127.0.0.1:$(SMS_PORT) \
			TINHSO_SMS_BACKEND=tinhso.integrations.sms.client.EsmsClient; \
		echo "  Cổng SMS brandname (giả lập, tin đã nhận): $$TINHSO_SMS_URL/"; \
		$(BIN)/tinhso sms_gateway --port $(SMS_PORT) >var/sms.log 2>&1 & sms=$$!; fi; \
	$(BIN)/tinhso smtp_sink --host 127.0.0.1 --port $(MAIL_PORT) >var/mail.log 2>&1 & mail=$$!; \
	$(BIN)/tinhso db_worker --queue-name '*' >var/worker.log 2>&1 & worker=$$!; \
	$(BIN)/tinhso refresh_metrics --every 60 >var/metrics.log 2>&1 & metrics=$$!; \
	$(BIN)/tinhso payment_gateway --host $(HOST) --port $(PAYMENT_PORT) \
		--ipn-url $${TINHSO_PAYMENT_IPN_URL:-$${TINHSO_SITE_URL:-http://$(SITE_HOST):$(PORT)}/payments/ipn/} >var/payment.log 2>&1 & payment=$$!; \
	$(BIN)/tinhso seal_audit --every 30 >var/audit.log 2>&1 & audit=$$!; \
	trap 'kill $$worker $$metrics $$payment $$audit $$mail $$portal $$sync $$population $$edata $$axis $$tsa $$catalogues $$gateway $$sms $$docx 2>/dev/null' EXIT INT TERM; \
	sims=""; \
	if [ -z "$$TINHSO_NATIONAL_PORTAL_URL" ]; then \
		export TINHSO_NATIONAL_PORTAL_URL=http://127.0.0.1:$(NATIONAL_PORTAL_PORT); \
		sims="$$sims --national-portal-url $$TINHSO_NATIONAL_PORTAL_URL"; \
		echo "  Cổng DVC quốc gia (giả lập): $$TINHSO_NATIONAL_PORTAL_URL"; \
		$(BIN)/tinhso national_portal --port $(NATIONAL_PORTAL_PORT) >var/national-portal.log 2>&1 & portal=$$!; fi; \
	if [ -z "$$TINHSO_POPULATION_URL" ]; then \
		export TINHSO_POPULATION_URL=http://127.0.0.1:$(POPULATION_PORT); \
		sims="$$sims --population-url $$TINHSO_POPULATION_URL"; \
		echo "  CSDL quốc gia về dân cư (giả lập): $$TINHSO_POPULATION_URL"; \
		$(BIN)/tinhso population_registry --port $(POPULATION_PORT) >var/population.log 2>&1 & population=$$!; fi; \
	if [ -z "$$TINHSO_EDATA_URL" ]; then \
		export TINHSO_EDATA_URL=http://127.0.0.1:$(EDATA_PORT); \
		sims="$$sims --edata-url $$TINHSO_EDATA_URL"; \
		echo "  Kho dữ liệu điện tử (giả lập): $$TINHSO_EDATA_URL"; \
		$(BIN)/tinhso edata_store --port $(EDATA_PORT) >var/edata.log 2>&1 & edata=$$!; fi; \
	if [ -z "$$TINHSO_DOCUMENT_AXIS_URL" ]; then \
		export TINHSO_DOCUMENT_AXIS_URL=http://127.0.0.1:$(AXIS_PORT); \
		sims="$$sims --document-axis-url $$TINHSO_DOCUMENT_AXIS_URL"; \
		echo "  Trục liên thông văn bản quốc gia (giả lập): $$TINHSO_DOCUMENT_AXIS_URL"; \
		$(BIN)/tinhso document_axis --port $(AXIS_PORT) --agency '000.00.01.H26=Bộ Xây dựng' \
			--agency '000.00.01.H41=Bộ Tư pháp' --agency '000.00.00.G22=Văn phòng Chính phủ' \
			>var/document-axis.log 2>&1 & axis=$$!; fi; \
	if [ -z "$$TINHSO_LGSP_GATEWAY_URL" ]; then \
		export TINHSO_EXCHANGE_TSA_URL=$${TINHSO_EXCHANGE_TSA_URL:-http://127.0.0.1:$(TSA_PORT)}; \
		$(BIN)/tinhso tsa --port $(TSA_PORT) >var/tsa.log 2>&1 & tsa=$$!; \
		$(BIN)/tinhso catalogue_provider --port $(CATALOGUE_PORT) >var/catalogues.log 2>&1 & catalogues=$$!; \
		eval "$$($(BIN)/tinhso exchange_demo --shell --tls --gateway https://127.0.0.1:$(GATEWAY_PORT) \
			--provider-url http://127.0.0.1:$(CATALOGUE_PORT) $$sims)" || exit 1; \
		$(BIN)/tinhso gateway --port $(GATEWAY_PORT) >var/gateway.log 2>&1 & gateway=$$!; \
		echo "  Cổng LGSP: $$TINHSO_LGSP_GATEWAY_URL/healthz (các dịch vụ quốc gia đi qua cổng; nhật ký ở /lgsp/)"; \
		echo "  Dấu thời gian (giả lập): $$TINHSO_EXCHANGE_TSA_URL; danh mục dùng chung: http://127.0.0.1:$(CATALOGUE_PORT)"; fi; \
	$(BIN)/tinhso sync_national_portal --every 2 >var/portal-sync.log 2>&1 & sync=$$!; \
	$(BIN)/tinhso document_exchange --register --every 2 >var/document-exchange.log 2>&1 & docx=$$!; \
	TINHSO_PAYMENT_GATEWAY_URL=$${TINHSO_PAYMENT_GATEWAY_URL:-http://$(HOST):$(PAYMENT_PORT)/paymentv2/vpcpay.html} \
	TINHSO_SITE_URL=$${TINHSO_SITE_URL:-http://$(SITE_HOST):$(PORT)} \
	$(BIN)/gunicorn tinhso.wsgi:application --bind $(BIND) \
		--workers $(WEB_WORKERS) --threads $(WEB_THREADS) --timeout 60 \
		--access-logfile var/access.log --error-logfile -

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests bench e2e tools

test: $(BIN)/.installed lint
	$(BIN)/pytest $(PYTEST_ARGS)

# Load bench on PostgreSQL (see bench/README.md), e.g. `make bench DOSSIERS=1000000 DURATION=5m`.
# Options: DOSSIERS DURATION USERS WORKERS SCENARIOS PACED PG OUT (PACED= skips the paced runs).
bench: $(BIN)/.installed
	$(BIN)/pip install --quiet -e '.[bench]'
	DOSSIERS=$(DOSSIERS) DURATION=$(DURATION) USERS=$(USERS) WORKERS=$(WORKERS) \
	SCENARIOS="$(SCENARIOS)" $(if $(filter undefined,$(origin PACED)),,PACED="$(PACED)") \
	PG=$(PG) OUT=$(OUT) bench/run.sh

clean:
	rm -rf $(VENV) var .pytest_cache
