/// A TCP relay of a few lines of Python (`python3 relay.py LISTEN TARGET`, both loopback ports):
/// `SIGSTOP` it and the link through it carries nothing while both ends' TCP connections stay
/// open, as in a partition that drops packets. `scenefarm bench failover --failure partition`
/// and the pair's fault tests put it between the two coordinators' pair sockets.
public enum LinkCutRelay {
    public static let script = """
        import socket, sys, threading
        listen, target = int(sys.argv[1]), int(sys.argv[2])
        server = socket.socket(); server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", listen)); server.listen(8)
        print("relay listening", flush=True)
        def pipe(a, b):
            try:
                while (data := a.recv(65536)): b.sendall(data)
            except OSError: pass
            for s in (a, b):
                try: s.close()
                except OSError: pass
        while True:
            client, _ = server.accept()
            try:
                upstream = socket.create_connection(("127.0.0.1", target))
            except OSError:
                client.close()  # the far end is not up yet: ZeroMQ connects again
                continue
            threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()
        """
}
