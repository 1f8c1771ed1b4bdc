import Farm
import Testing

@Suite("CURVE: a coordinator without keys binds loopback only")
struct CurveBindPolicyTests {
    @Test(arguments: ["tcp://127.0.0.1:5555", "tcp://127.0.0.1:*", "tcp://127.1.2.3:7000", "tcp://[::1]:5555",
                      "tcp://localhost:5555", "TCP://LOCALHOST:1", "ipc:///tmp/scenefarm.sock", "inproc://farm"])
    func loopbackIsAllowedWithoutKeys(_ endpoint: String) throws {
        try BindPolicy.check(endpoint: endpoint, secured: false, insecure: false)
    }

    @Test(arguments: ["tcp://*:5555", "tcp://0.0.0.0:5555", "tcp://[::]:5555", "tcp://10.0.0.5:5555", "tcp://eth0:5555",
                      "tcp://127.0.0.1.example.com:5555", "tcp://127.0.0.256:5555", "tcp://127.0.0.1", "ws://127.0.0.1:80", "tcp://[::1]"])
    func anythingElseNeedsKeysOrInsecure(_ endpoint: String) throws {
        #expect(throws: SecurityError.insecureBind(endpoint: endpoint)) {
            try BindPolicy.check(endpoint: endpoint, secured: false, insecure: false)
        }
        try BindPolicy.check(endpoint: endpoint, secured: true, insecure: false)
        try BindPolicy.check(endpoint: endpoint, secured: false, insecure: true)
    }

    @Test func refusalSaysWhatToDo() {
        let message = SecurityError.insecureBind(endpoint: "tcp://*:5555").description
        for hint in ["tcp://*:5555", "--curve-secret", "--authorized-keys", "127.0.0.1", "--insecure"] {
            #expect(message.contains(hint), "missing \(hint) in: \(message)")
        }
    }
}
