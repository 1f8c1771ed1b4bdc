import Foundation

/// The coordinator's two key lists: nodes (admitted on the node endpoint, each named by its key)
/// and clients (admitted on the client endpoint). A key listed only as a client cannot connect
/// to the node endpoint at all, so it can never register as a node.
public struct FarmKeys: Sendable, Equatable {
    public let nodes: AuthorizedKeys
    public let clients: AuthorizedKeys

    /// ZAP domains of the node and client sockets.
    public static let nodeDomain = "scenefarm-nodes"
    public static let clientDomain = "scenefarm-clients"
    /// Sub-folders of `--authorized-keys`.
    public static let nodesFolder = "nodes"
    public static let clientsFolder = "clients"

    public init(nodes: AuthorizedKeys, clients: AuthorizedKeys) {
        self.nodes = nodes
        self.clients = clients
    }

    /// Loads `directory/nodes/*.pub` and `directory/clients/*.pub` (either may be missing, not
    /// both). `*.pub` files directly in `directory` are refused: which list would they be in?
    public static func load(directory: URL) throws(SecurityError) -> FarmKeys {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        guard fm.fileExists(atPath: directory.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw SecurityError.authorizedKeysUnreadable(directory: directory.path, reason: "no such folder")
        }
        let loose = ((try? fm.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".pub") }
        guard loose.isEmpty else { throw SecurityError.authorizedKeysNotSorted(directory: directory.path, files: loose.sorted()) }
        func list(_ folder: String) throws(SecurityError) -> AuthorizedKeys {
            let url = directory.appendingPathComponent(folder)
            guard fm.fileExists(atPath: url.path) else { return try AuthorizedKeys([:]) }
            do {
                return try AuthorizedKeys.load(directory: url)
            } catch .noAuthorizedKeys {
                return try AuthorizedKeys([:])
            }
        }
        let keys = FarmKeys(nodes: try list(nodesFolder), clients: try list(clientsFolder))
        guard keys.nodes.count + keys.clients.count > 0 else { throw SecurityError.noAuthorizedKeys(directory: directory.path) }
        return keys
    }
}
