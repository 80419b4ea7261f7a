import net from 'node:net';

/**
 * A TCP forwarder on loopback with a switch, in front of PostgreSQL or the S3 endpoint. Closed, it drops every
 * open connection and refuses new ones (the port stays bound: a connection is accepted and reset at once), as a
 * server that went away would; opened again, it forwards to the target, which may have moved (PostgreSQL
 * restarted on another port). Clients keep one address throughout.
 */
export interface TcpGate {
  port: number;
  /** Drops every connection and refuses new ones until `open`. */
  close(): void;
  /** Forwards again, to `targetPort` when the server came back elsewhere. */
  open(targetPort?: number): void;
  isOpen(): boolean;
  stop(): Promise<void>;
}

export async function startTcpGate(targetPort: number): Promise<TcpGate> {
  let target = targetPort;
  let open = true;
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();

  const server = net.createServer((client) => {
    if (!open) return void client.resetAndDestroy();
    const upstream = net.connect(target, '127.0.0.1');
    const pair = { client, upstream };
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;

  return {
    port,
    close() {
      open = false;
      for (const { client, upstream } of pairs) {
        client.resetAndDestroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    open(targetPort) {
      if (targetPort !== undefined) target = targetPort;
      open = true;
    },
    isOpen: () => open,
    stop: () => new Promise((resolve) => {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      server.close(() => resolve());
    }),
  };
}
