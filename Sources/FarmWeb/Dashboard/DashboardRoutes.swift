import Farm
import Foundation
import Hummingbird

/// The dashboard's pages (shells with their first fragment), fragments and static assets.
struct DashboardRoutes {
    let coordinator: Coordinator
    let config: WebConfig

    func register(on router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in page("Jobs", fragment: "/fragments/jobs") { DashboardPages.jobs($0) } }
        router.get("/nodes") { _, _ in page("Nodes", fragment: "/fragments/nodes") { DashboardPages.nodes($0) } }
        router.get("/jobs/:job") { _, context in
            let id = try context.parameters.require("job")
            guard coordinator.snapshot.job(id) != nil else { throw HTTPError(.notFound, message: "no such job on this coordinator") }
            return page(id, fragment: "/fragments/jobs/\(id)") { snapshot in
                snapshot.job(id).map { DashboardPages.job($0, storageRoot: snapshot.storageRoot) } ?? ""
            }
        }
        router.get("/fragments/jobs") { _, _ in html(DashboardPages.jobs(coordinator.snapshot)) }
        router.get("/fragments/nodes") { _, _ in html(DashboardPages.nodes(coordinator.snapshot)) }
        router.get("/fragments/jobs/:job") { _, context in
            let snapshot = coordinator.snapshot
            guard let job = snapshot.job(try context.parameters.require("job")) else { throw HTTPError(.notFound, message: "no such job on this coordinator") }
            return html(DashboardPages.job(job, storageRoot: snapshot.storageRoot))
        }
        router.get("/static/dashboard.js") { _, _ in asset(DashboardAssets.script, type: "text/javascript; charset=utf-8") }
        router.get("/static/dashboard.css") { _, _ in asset(DashboardAssets.style, type: "text/css; charset=utf-8") }
    }

    /// A page shell; its first fragment is rendered in when reads are open, else fetched by the
    /// script with the token.
    private func page(_ title: String, fragment: String, _ content: (FarmSnapshot) -> String) -> Response {
        let body = config.readsNeedToken ? "<p class=\"muted\">Enter the token to see the farm.</p>" : content(coordinator.snapshot)
        return html(DashboardPages.shell(title: title, fragment: fragment, content: body))
    }

    private func html(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    private func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "max-age=300"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
