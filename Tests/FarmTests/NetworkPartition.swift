import Foundation
import TestSupport

/// A network namespace joined to this one by two veth links: one for nodes and clients, one for
/// the coordinator pair's state link alone. `cutPeerLink()` takes the second down: a real
/// partition between the two coordinators while nodes and clients still reach both. Needs root
/// and `ip` (iproute2); `available` says whether this machine allows it.
final class NetworkPartition: @unchecked Sendable {
    let namespace: String
    /// Addresses on the node/client link and on the pair link: (here, inside).
    let nodeLink: (outside: String, inside: String)
    let peerLink: (outside: String, inside: String)
    private let peerDevice: String

    static let available: Bool = {
        guard getuid() == 0, let probe = try? NetworkPartition() else { return false }
        _ = probe
        return true
    }()

    init() throws {
        let tag = String(Int.random(in: 0..<0xFFFF), radix: 16)
        namespace = "sf\(tag)"
        let net = Int.random(in: 100...250)
        nodeLink = ("10.\(net).1.1", "10.\(net).1.2")
        peerLink = ("10.\(net).2.1", "10.\(net).2.2")
        peerDevice = "sfp\(tag)a"
        try Self.ip(["netns", "add", namespace])
        do {
            for (name, link) in [("sfn\(tag)", nodeLink), ("sfp\(tag)", peerLink)] {
                try Self.ip(["link", "add", "\(name)a", "type", "veth", "peer", "name", "\(name)b"])
                try Self.ip(["link", "set", "\(name)b", "netns", namespace])
                try Self.ip(["addr", "add", "\(link.outside)/30", "dev", "\(name)a"])
                try Self.ip(["link", "set", "\(name)a", "up"])
                try Self.ip(["netns", "exec", namespace, "ip", "addr", "add", "\(link.inside)/30", "dev", "\(name)b"])
                try Self.ip(["netns", "exec", namespace, "ip", "link", "set", "\(name)b", "up"])
            }
            try Self.ip(["netns", "exec", namespace, "ip", "link", "set", "lo", "up"])
        } catch {
            try? Self.ip(["netns", "del", namespace])
            throw error
        }
    }

    /// Takes the pair's link down: packets between the two coordinators' state sockets are lost.
    func cutPeerLink() throws {
        try Self.ip(["link", "set", peerDevice, "down"])
    }

    /// Arguments that run `arguments` of `executable` inside the namespace (through `ip netns exec`, which execs it).
    func inside(_ executable: String, _ arguments: [String]) -> [String] {
        ["netns", "exec", namespace, executable] + arguments
    }

    deinit {
        // Deleting the namespace deletes the veth ends in it, and with them their peers here.
        try? Self.ip(["netns", "del", namespace])
    }

    private static func ip(_ arguments: [String]) throws {
        let result = try Tool.run("/usr/sbin/ip", arguments)
        guard result.status == 0 else { throw FarmHarnessError.commandFailed("ip \(arguments.joined(separator: " "))", result.status, result.stderr) }
    }
}
