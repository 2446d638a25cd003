"""The LGSP gateway (`tinhso gateway`): an asynchronous HTTP server (aiohttp) between client
systems and the services providers registered in the registry.

    ANY /r1/{member class}/{member code}/{subsystem}/{service code}/{version}/{path...}
        Authorization: Bearer <JWT assertion signed by the client system>
    GET /healthz

For each request, in order: the assertion is verified (issuer = a registered client system,
audience = this gateway, short life, a jti never seen before), the service is looked up and the
client's access right to it checked (method and path prefix), the client's token bucket for the
service is charged, the service's circuit breaker consulted, the body read within the size
limit; then the request is forwarded with the service's timeout over a pooled connection and
the answer read within the size limit, within the service's lane (exchange.limits.Lane: at
most IN_FLIGHT_PER_SERVICE at the provider at once; while more wait, the service's steps
take turns on the event loop, so a slow provider's rounds do not hold up the other services).
Every exchange, answered or refused, is then written to
the message log by the one writer (exchange.log) and only once it is committed is the answer
released: a SIGKILL never loses an exchange a client was answered.

The registry lives in memory and is re-read in the background every
TINHSO_GATEWAY_REFRESH_SECONDS; no request ever waits for the database, except for the log's
group commit. Refusals are JSON {"code", "message", "exchange_id"} in Vietnamese.

With TINHSO_GATEWAY_TLS_CERT set the gateway listens with TLS, and with
TINHSO_GATEWAY_TLS_CLIENT_CA a client may authenticate with a client certificate instead of
an assertion (exchange.mtls): it is checked, then looked up by fingerprint in the in-memory
registry. A request carrying both must have them name the same system.

Beside it: the registry's in-memory snapshot (exchange.snapshot), the assertion check
(exchange.assertion_check), the buckets and breakers (exchange.limits) and the refusal's one
shape (exchange.refusal).

A SOAP service registered with a REST exposure is converted (exchange.soap): the client posts
JSON to /.../{version}/{operation}, the gateway sends the SOAP envelope its WSDL describes and
answers JSON; a SOAP Fault becomes a refusal `soap_fault` with the provider's fault string.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import aiohttp
import psycopg
from aiohttp import web
from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone

from . import log, mtls, soap
from .assertion_check import verify_assertion
from .limits import Breaker, Lane, TokenBucket
from .refusal import Refusal, error_body
from .snapshot import Registry, ServiceEntry, load_registry, recent_jtis

logger = logging.getLogger("tinhso.exchange.gateway")

PREFIX = "/r1/"
# Headers passed on to the provider and back to the client; the rest (hop-by-hop, the
# client's credentials) stop at the gateway.
FORWARD_REQUEST_HEADERS = ("content-type", "accept", "accept-language", "soapaction",
                           "x-api-key")
FORWARD_RESPONSE_HEADERS = ("content-type", "content-language", "cache-control", "etag",
                            "last-modified")
PROVIDER_FAILURE_STATUSES = frozenset({502, 503, 504})
# A service's lane (exchange.limits.Lane): exchanges at its provider at once, and, while more
# wait, steps of its exchanges per pass of the event loop.
IN_FLIGHT_PER_SERVICE = 256
STEPS_PER_PASS = 1


# --- The gateway.

class Gateway:
    def __init__(self, *, audience: str | None = None, max_body: int | None = None,
                 max_assertion_age: int | None = None, refresh: float | None = None,
                 breaker_failures: int | None = None, breaker_cooldown: float | None = None,
                 log_batch: int | None = None, tsa_url: str | None = None,
                 tsa_every: float | None = None, tls_cert: str | None = None,
                 tls_key: str | None = None, tls_client_ca: str | None = None,
                 tls_crls: list | None = None):
        s = settings
        self.audience = audience or s.TINHSO_GATEWAY_AUDIENCE
        self.max_body = max_body or s.TINHSO_GATEWAY_MAX_BODY
        self.max_age = max_assertion_age or s.TINHSO_GATEWAY_MAX_ASSERTION_AGE
        self.refresh = refresh or s.TINHSO_GATEWAY_REFRESH_SECONDS
        self.breaker_failures = breaker_failures or s.TINHSO_GATEWAY_BREAKER_FAILURES
        self.breaker_cooldown = breaker_cooldown or s.TINHSO_GATEWAY_BREAKER_COOLDOWN
        self.log_batch = log_batch or s.TINHSO_GATEWAY_LOG_BATCH
        self.tsa_url = s.TINHSO_EXCHANGE_TSA_URL if tsa_url is None else tsa_url
        self.tsa_every = tsa_every or s.TINHSO_EXCHANGE_TSA_EVERY
        # TLS, and client certificates when a client CA is named (docs/exchange.md).
        self.tls_cert = s.TINHSO_GATEWAY_TLS_CERT if tls_cert is None else tls_cert
        self.tls_key = s.TINHSO_GATEWAY_TLS_KEY if tls_key is None else tls_key
        client_ca = s.TINHSO_GATEWAY_TLS_CLIENT_CA if tls_client_ca is None else tls_client_ca
        self.tls_client_ca = client_ca if self.tls_cert else ""
        self.certificates = (mtls.ClientCertificates(
            client_ca, s.TINHSO_GATEWAY_TLS_CRLS if tls_crls is None else tls_crls)
            if self.tls_client_ca else None)
        self.tsa_thread = ThreadPoolExecutor(1, thread_name_prefix="exchange-tsa")
        self.registry = Registry()
        self.buckets: dict[tuple[str, int], TokenBucket] = {}
        self.breakers: dict[int, Breaker] = {}
        self.lanes: dict[int | None, Lane] = {}
        self.seen: dict[str, float] = {}
        # One thread writes the log (the chain has one writer); another reads the registry.
        self.writer_thread = ThreadPoolExecutor(1, thread_name_prefix="exchange-log")
        self.reader_thread = ThreadPoolExecutor(1, thread_name_prefix="exchange-registry")
        self.writer = log.LogWriter()
        self.queue: asyncio.Queue | None = None
        self.postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
        self.aconn = None  # the log writer's async connection (PostgreSQL)
        self.session: aiohttp.ClientSession | None = None
        self.tasks: list[asyncio.Task] = []

    # Start and stop.

    def ssl_context(self):
        """The server's TLS context, or None: plain HTTP (TINHSO_GATEWAY_TLS_CERT unset)."""
        if not self.tls_cert:
            return None
        return mtls.server_context(self.tls_cert, self.tls_key or self.tls_cert,
                                   self.tls_client_ca or None)

    def app(self) -> web.Application:
        app = web.Application(client_max_size=self.max_body)
        app.router.add_get("/healthz", self.healthz)
        app.router.add_route("*", PREFIX + "{tail:.*}", self.handle)
        app.on_startup.append(self._start)
        app.on_cleanup.append(self._stop)
        return app

    async def _start(self, app) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self.writer_thread, self._open_writer)
        self.registry = await loop.run_in_executor(self.reader_thread, load_registry)
        self.seen = await loop.run_in_executor(self.reader_thread, recent_jtis, self.max_age)
        self.queue = asyncio.Queue()
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0, limit_per_host=IN_FLIGHT_PER_SERVICE,
                                           ttl_dns_cache=300),
            auto_decompress=False)
        self.tasks = [asyncio.create_task(self._write_log()),
                      asyncio.create_task(self._refresh_registry())]
        if self.tsa_url:
            self.tasks.append(asyncio.create_task(self._stamp_log()))

    def _open_writer(self) -> None:
        close_old_connections()
        self.writer.open()

    async def _stop(self, app) -> None:
        # Answers still waiting for their record are written before the process ends.
        if self.queue is not None:
            await self.queue.join()
        for task in self.tasks:
            task.cancel()
        if self.session is not None:
            await self.session.close()
        if self.aconn is not None:
            await self.aconn.close()
        # Closing the writer's connection releases its lock on the log (PostgreSQL).
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self.writer_thread, connections.close_all)
        await loop.run_in_executor(self.reader_thread, connections.close_all)
        await loop.run_in_executor(self.tsa_thread, connections.close_all)
        for thread in (self.writer_thread, self.reader_thread, self.tsa_thread):
            thread.shutdown(wait=True)

    async def _refresh_registry(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.refresh)
            try:
                self.registry = await loop.run_in_executor(self.reader_thread, load_registry)
            except Exception:  # keep serving with the registry we have
                logger.exception("registry refresh failed")
            if self.certificates is not None:  # a revocation reaches the gateway here
                try:
                    await loop.run_in_executor(self.reader_thread,
                                               self.certificates.reload_crls)
                except Exception:
                    logger.exception("CRL refresh failed")
            now = time.time()
            self.seen = {j: exp for j, exp in self.seen.items() if exp > now}

    async def _stamp_log(self) -> None:
        """Every tsa_every seconds, the newest batch gets an RFC 3161 time-stamp (off the
        request path: exchanges never wait for the authority)."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.tsa_every)
            try:
                await loop.run_in_executor(self.tsa_thread, log.stamp_newest,
                                           self.tsa_url)
            except Exception:
                logger.exception("time-stamping the message log failed; will retry")

    # The log's one writer: takes every record waiting and commits them as one batch.

    async def _write_log(self) -> None:
        loop = asyncio.get_running_loop()
        queue = self.queue
        while True:
            items = [await queue.get()]
            while len(items) < self.log_batch and not queue.empty():
                items.append(queue.get_nowait())
            try:
                records = [values for values, _ in items]
                if self.postgres:
                    await self._write_async(records)
                else:
                    await loop.run_in_executor(self.writer_thread, self.writer.write, records)
            except Exception as exc:
                logger.exception("message log write failed")
                for _, done in items:
                    if not done.done():
                        done.set_exception(exc)
            else:
                for _, done in items:
                    if not done.done():
                        done.set_result(None)
            for _ in items:
                queue.task_done()

    async def _write_async(self, records: list[dict]) -> None:
        """PostgreSQL: the batch's one statement sent from the event loop on the writer's own
        connection (no thread hop, the loop never blocks); the chain is still linked here
        only, by this one task."""
        if self.aconn is None or self.aconn.closed or self.aconn.broken:
            db = settings.DATABASES["default"]
            self.aconn = await psycopg.AsyncConnection.connect(
                dbname=db["NAME"], user=db["USER"] or None, password=db["PASSWORD"] or None,
                host=db["HOST"] or None, port=db["PORT"] or None, autocommit=True,
                prepare_threshold=5)
        rows, batch = self.writer.link(records)
        await self.aconn.execute(*log.insert_statement(rows, batch))
        self.writer.written(batch)

    async def _log(self, values: dict) -> None:
        done = asyncio.get_running_loop().create_future()
        self.queue.put_nowait((values, done))
        await done

    # Requests.

    async def healthz(self, request: web.Request) -> web.Response:
        return web.json_response({
            "status": "ok", "services": len(self.registry.services),
            "clients": len(self.registry.keys),
            "client_certificates": len(self.registry.certificates),
            "tls": bool(self.tls_cert), "mutual_tls": self.certificates is not None,
            "registry_age_s": round(time.time() - self.registry.loaded_at, 1),
            "log_head": self.writer.head[0] if self.writer.head else 0,
            "log_pending": self.queue.qsize() if self.queue else 0})

    async def handle(self, request: web.Request) -> web.Response:
        exchange_id = uuid.uuid4().hex
        started = timezone.now()
        values = {"exchange_id": exchange_id, "jti": "", "client": "", "service": "",
                  "method": request.method, "path": request.path_qs[:500],
                  "request_digest": log.EMPTY_DIGEST, "request_bytes": 0}
        registry = self.registry
        parts = request.match_info["tail"].split("/", 5)
        service = registry.services.get(tuple(parts[:5]))
        lane = self._lane(service)
        await lane.turn()  # the checks, and the call
        try:
            response, body = await self._exchange(request, registry, parts, service, values)
            outcome, reason = "ok", ""
        except Refusal as refusal:
            body = error_body(refusal, exchange_id)
            response = web.Response(status=refusal.status, body=body,
                                    content_type="application/json", charset="utf-8",
                                    headers=refusal.headers)
            outcome, reason = refusal.code, refusal.message[:300]
        values.update(started_at=started, ended_at=timezone.now(), status=response.status,
                      outcome=outcome, reason=reason,
                      response_digest=hashlib.sha256(body).hexdigest(),
                      response_bytes=len(body))
        try:
            await self._log(values)
        except Exception:
            # Not logged, not answered: the client sees a failure, never an unrecorded answer.
            refusal = Refusal(503, "log_unavailable",
                              "Không ghi được nhật ký trao đổi; yêu cầu chưa được trả lời, "
                              "vui lòng thử lại.")
            return web.Response(status=503, body=error_body(refusal, exchange_id),
                                content_type="application/json", charset="utf-8")
        await lane.turn()  # the answer's write, once the log holds it
        response.headers["X-Exchange-Id"] = exchange_id
        return response

    def _lane(self, service: ServiceEntry | None) -> Lane:
        """The service's lane (requests for no known service share one, which never fills)."""
        key = service.pk if service is not None else None
        lane = self.lanes.get(key)
        if lane is None:
            lane = self.lanes[key] = Lane(IN_FLIGHT_PER_SERVICE, STEPS_PER_PASS)
        return lane

    async def _exchange(self, request: web.Request, registry: Registry, parts: list[str],
                        service: ServiceEntry | None, values: dict):
        if len(parts) < 5 or not all(parts[:5]):
            raise Refusal(404, "unknown_service", "Đường dẫn phải có dạng /r1/{loại thành "
                          "viên}/{mã cơ quan}/{mã hệ thống}/{mã dịch vụ}/{phiên bản}/...")
        rest = "/" + (parts[5] if len(parts) > 5 else "")
        client = self._authenticate(request, registry, values)
        if service is None:
            raise Refusal(404, "unknown_service", "Dịch vụ chưa được đăng ký hoặc đã ngừng.")
        values["service"] = service.identifier
        rights = registry.rights.get((client, service.pk), ())
        if not any((not m or m == request.method) and rest.startswith(p) for m, p in rights):
            raise Refusal(403, "access_denied", "Hệ thống khách chưa được cấp quyền gọi dịch "
                          "vụ này (phương thức, đường dẫn).")
        bucket = self.buckets.get((client, service.pk))
        if bucket is None or bucket.rate != service.rate or bucket.burst != service.burst:
            bucket = self.buckets[(client, service.pk)] = TokenBucket(service.rate,
                                                                      service.burst)
        wait = bucket.take()
        if wait:
            raise Refusal(429, "rate_limited", "Vượt giới hạn số yêu cầu mỗi giây của dịch vụ "
                          "này; vui lòng thử lại sau.",
                          headers={"Retry-After": str(max(1, round(wait)))})
        breaker = self.breakers.get(service.pk)
        if breaker is None:
            breaker = self.breakers[service.pk] = Breaker(self.breaker_failures,
                                                          self.breaker_cooldown)
        if not breaker.allow():
            raise Refusal(503, "circuit_open", "Hệ thống cung cấp đang gặp sự cố, cổng tạm "
                          "ngừng chuyển yêu cầu tới dịch vụ này; vui lòng thử lại sau.",
                          headers={"Retry-After": str(round(self.breaker_cooldown))})
        body = await self._read_body(request)
        values["request_digest"] = hashlib.sha256(body).hexdigest()
        values["request_bytes"] = len(body)
        if service.soap is not None:
            return await self._convert(request, service, rest, body, client, values, breaker)
        return await self._forward(request, service, rest, body, client, values, breaker)

    def _authenticate(self, request: web.Request, registry: Registry, values: dict) -> str:
        certified = ""
        if self.certificates is not None:
            der = mtls.peer_certificate(request.transport)
            if der is not None:
                certified = self._certified(der, registry, values)
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            if certified:
                return certified
            raise Refusal(401, "missing_assertion", "Thiếu JWT xác thực của hệ thống khách "
                          "(Authorization: Bearer ...)" + (
                              " hoặc chứng thư TLS." if self.certificates else "."))
        issuer = verify_assertion(token.strip(), registry, values, audience=self.audience,
                                  max_age=self.max_age, seen=self.seen)
        if certified and issuer != certified:
            values["client"] = certified  # the certificate is the proven identity
            raise Refusal(401, "identity_mismatch", f"Chứng thư TLS thuộc hệ thống {certified}"
                          f" nhưng JWT xác thực nhân danh {issuer[:130]}; hai cách xác thực "
                          f"phải cùng một hệ thống.")
        return issuer

    def _certified(self, der: bytes, registry: Registry, values: dict) -> str:
        """The client a presented certificate authenticates; a certificate that does not is
        refused even if an assertion is there too."""
        try:
            client = self.certificates.identify(der, registry.certificates)
        except mtls.CertificateRefused as refused:
            values["client"] = refused.client
            raise Refusal(refused.status, refused.code, refused.message) from None
        values["client"] = client
        return client

    async def _read_body(self, request: web.Request) -> bytes:
        if request.content_length is not None and request.content_length > self.max_body:
            raise Refusal(413, "payload_too_large", self._too_large())
        try:
            return await request.read()
        except web.HTTPRequestEntityTooLarge:
            raise Refusal(413, "payload_too_large", self._too_large()) from None

    def _too_large(self) -> str:
        return f"Dữ liệu gửi lên vượt quá giới hạn {self.max_body} byte."

    async def _forward(self, request, service: ServiceEntry, rest: str, body: bytes,
                       client: str, values: dict, breaker: Breaker):
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() in FORWARD_REQUEST_HEADERS}
        headers["X-Tinhso-Client"] = client
        headers["X-Tinhso-Exchange-Id"] = values["exchange_id"]
        status, payload, out_headers = await self._send(
            request.method, service.base_url + rest, request.query, body, headers, service,
            breaker)
        return web.Response(status=status, body=payload, headers=out_headers), payload

    async def _convert(self, request, service: ServiceEntry, rest: str, body: bytes,
                       client: str, values: dict, breaker: Breaker):
        """REST client, SOAP provider: the operation is the path, its parameters the JSON
        object posted (or the query of a GET); the answer's wrapper comes back as JSON."""
        name = rest.strip("/")
        operation = service.soap.operations.get(name)
        if operation is None:
            raise Refusal(404, "unknown_operation", f"Dịch vụ SOAP này không có thao tác "
                          f"“{name[:80]}”; các thao tác: "
                          f"{', '.join(sorted(service.soap.operations))}.")
        if request.method == "GET":
            params = dict(request.query)
        elif request.method == "POST":
            try:
                params = json.loads(body or b"{}")
            except ValueError:
                params = None
            if not isinstance(params, dict):
                raise Refusal(400, "invalid_json", "Dữ liệu gửi lên phải là một đối tượng "
                              "JSON (các tham số của thao tác SOAP).")
        else:
            raise Refusal(405, "method_not_allowed", "Thao tác SOAP được gọi bằng POST (JSON) "
                          "hoặc GET (tham số trên địa chỉ).", headers={"Allow": "GET, POST"})
        try:
            envelope = soap.envelope(operation, params)
        except ValueError as exc:
            raise Refusal(400, "invalid_json", f"Không chuyển được JSON sang SOAP: {exc}") \
                from None
        headers = {"Content-Type": soap.CONTENT_TYPE[operation.envelope_ns],
                   "Accept": "text/xml, application/soap+xml",
                   "X-Tinhso-Client": client, "X-Tinhso-Exchange-Id": values["exchange_id"]}
        if operation.envelope_ns == soap.ENV11:
            headers["SOAPAction"] = f'"{operation.action}"'
        elif operation.action:
            headers["Content-Type"] += f'; action="{operation.action}"'
        status, payload, _ = await self._send("POST", service.base_url, None, envelope,
                                              headers, service, breaker)
        try:
            result = soap.answer(operation, service.soap, payload)
        except soap.SoapFault as fault:
            raise Refusal(400 if fault.by_client else 502, "soap_fault",
                          f"Hệ thống cung cấp (SOAP) báo lỗi: {fault.text or fault.code}",
                          extra={"fault": {"code": fault.code, "string": fault.text}}) from None
        except soap.BadAnswer as exc:
            raise Refusal(502, "provider_bad_response", f"Phản hồi của hệ thống cung cấp "
                          f"(HTTP {status}) không đúng SOAP: {exc}") from None
        data = json.dumps(result, ensure_ascii=False).encode("utf-8")
        return web.Response(status=200, body=data, content_type="application/json",
                            charset="utf-8"), data

    async def _send(self, method: str, url: str, query, body: bytes, headers: dict,
                    service: ServiceEntry, breaker: Breaker):
        """One call to the provider within the service's timeout and the size limit:
        (status, body, the headers passed back); its outcome feeds the circuit breaker."""
        lane = self._lane(service)
        try:
            # The service's timeout counts the wait for a slot too.
            async with asyncio.timeout(service.timeout):
                await lane.slot()
                try:
                    async with self.session.request(
                            method, url, params=query, data=body or None, headers=headers,
                            allow_redirects=False) as answer:
                        await lane.turn()  # the answer's read, checks and log record
                        payload = await self._read_answer(answer, breaker)
                        status = answer.status
                        out_headers = {k: v for k, v in answer.headers.items()
                                       if k.lower() in FORWARD_RESPONSE_HEADERS}
                finally:
                    lane.release()
        except TimeoutError:
            breaker.failed()
            raise Refusal(504, "provider_timeout", f"Hệ thống cung cấp không trả lời trong "
                          f"{service.timeout:g} giây.") from None
        except aiohttp.ClientError as exc:
            breaker.failed()
            raise Refusal(502, "provider_unreachable", f"Không kết nối được hệ thống cung cấp "
                          f"({type(exc).__name__}).") from None
        if status in PROVIDER_FAILURE_STATUSES:
            breaker.failed()
        else:
            breaker.succeeded()
        return status, payload, out_headers

    async def _read_answer(self, answer, breaker: Breaker) -> bytes:
        """The provider's body within the size limit (a provider that answers too much is
        not failing: the breaker counts it a success)."""
        def too_large() -> Refusal:
            breaker.succeeded()
            return Refusal(502, "provider_response_too_large",
                           "Phản hồi của hệ thống cung cấp vượt quá giới hạn kích thước.")

        if (answer.content_length or 0) > self.max_body:
            raise too_large()
        chunks, size = [], 0
        async for chunk in answer.content.iter_chunked(1 << 16):
            size += len(chunk)
            if size > self.max_body:
                raise too_large()
            chunks.append(chunk)
        return b"".join(chunks)


def run(host: str, port: int, **options) -> None:
    """Serve until SIGINT/SIGTERM (then the records still queued are written)."""
    gateway = Gateway(**options)
    # What is loaded by now (Django, the apps) lives as long as the process; left to the
    # collector, each full collection walks all of it again: 100 to 125 ms with the loop
    # stopped, every exchange in flight waiting (measured at 1,000 in flight).
    gc.freeze()
    web.run_app(gateway.app(), host=host, port=port, access_log=None, print=None,
                shutdown_timeout=10, ssl_context=gateway.ssl_context())
