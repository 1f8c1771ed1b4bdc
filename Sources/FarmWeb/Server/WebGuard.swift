import Foundation
import Hummingbird

/// Every request passes here: actions need a bearer token and, when a browser says where it
/// comes from, the same origin; reads need one too on a non-loopback bind. Errors become JSON
/// bodies under /api and plain text elsewhere, and every answer carries the headers that keep
/// the dashboard out of other sites' frames and scripts.
struct WebGuard: RouterMiddleware {
    typealias Context = BasicRequestContext
    let config: WebConfig

    /// Page shells and their assets load without a token; their data comes through the API.
    static func isShell(_ path: String) -> Bool {
        path == "/" || path == "/nodes" || path.hasPrefix("/static/") || path.hasPrefix("/jobs/") || path == "/favicon.ico"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let isAction = request.method == .post
        var response: Response
        if (isAction || (config.readsNeedToken && !Self.isShell(path))) && !config.tokens.accepts(authorization: request.headers[.authorization]) {
            response = Self.error(.unauthorized, "unauthorized", isAction ? "actions need 'Authorization: Bearer TOKEN' (the coordinator's --http-token-file, or the http-token file in its --state folder)" : "this server needs 'Authorization: Bearer TOKEN' for reads", path: path)
            response.headers[.wwwAuthenticate] = "Bearer realm=\"scenefarm\""
        } else if isAction, let origin = request.headers[.origin], !Self.sameOrigin(origin, host: request.head.authority) {
            response = Self.error(.forbidden, "cross_origin", "actions are accepted from this dashboard's own origin only", path: path)
        } else {
            do {
                response = try await next(request, context)
            } catch let error as HTTPError {
                response = Self.error(error.status, error.status == .notFound ? "not_found" : "bad_request", error.body ?? error.status.reasonPhrase, path: path)
            } catch {
                response = Self.error(.internalServerError, "failure", "\(error)", path: path)
            }
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; style-src-attr 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    /// Whether an Origin header names the host the request was sent to.
    static func sameOrigin(_ origin: String, host: String?) -> Bool {
        guard let host, let url = URL(string: origin), let originHost = url.host else { return false }
        let originAuthority = url.port.map { "\(originHost):\($0)" } ?? originHost
        let bracketed = originHost.contains(":") ? (url.port.map { "[\(originHost)]:\($0)" } ?? "[\(originHost)]") : originAuthority
        return host == originAuthority || host == bracketed
    }

    static func error(_ status: HTTPResponse.Status, _ code: String, _ message: String, path: String) -> Response {
        if path.hasPrefix("/api/") { return json(APIDocuments.error(code, message), status: status) }
        return Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: message + "\n")))
    }

    static func json(_ object: Any, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: APIDocuments.data(object))))
    }
}
