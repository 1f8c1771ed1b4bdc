import FarmWeb
import Foundation
import Testing

@Suite struct BearerTokensTests {
    @Test func acceptsOnlyTheExactTokenAfterBearer() {
        let tokens = BearerTokens(["0123456789abcdef0123"])
        #expect(tokens.accepts(authorization: "Bearer 0123456789abcdef0123"))
        #expect(tokens.accepts(authorization: "bearer 0123456789abcdef0123"))
        #expect(!tokens.accepts(authorization: "Bearer 0123456789abcdef012"))
        #expect(!tokens.accepts(authorization: "Bearer 0123456789abcdef01234"))
        #expect(!tokens.accepts(authorization: "Basic 0123456789abcdef0123"))
        #expect(!tokens.accepts(authorization: nil))
        #expect(!BearerTokens([]).accepts(authorization: "Bearer "))
    }

    @Test func nonLoopbackBindNeedsTokensOrInsecure() throws {
        #expect(throws: WebError.exposedWithoutToken("0.0.0.0")) { try WebConfig(host: "0.0.0.0", port: 8080, tokens: BearerTokens([])).check() }
        try WebConfig(host: "0.0.0.0", port: 8080, tokens: BearerTokens(["0123456789abcdef0123"])).check()
        try WebConfig(host: "0.0.0.0", port: 8080, tokens: BearerTokens([]), insecure: true).check()
        try WebConfig(host: "127.0.0.1", port: 8080, tokens: BearerTokens([])).check()
        #expect(WebConfig.isLoopback("::1") && WebConfig.isLoopback("localhost") && WebConfig.isLoopback("127.0.0.2"))
        #expect(!WebConfig.isLoopback("127.0.0.1.example.com") && !WebConfig.isLoopback("0.0.0.0") && !WebConfig.isLoopback("::"))
        #expect(try WebConfig.parseBind("[::1]:8080") == ("::1", 8080))
        #expect(try WebConfig.parseBind("localhost:0") == ("localhost", 0))
        #expect(throws: WebError.self) { try WebConfig.parseBind("8080") }
        #expect(throws: WebError.self) { try WebConfig.parseBind("::1:8080") }
    }
}
