// A free loopback port for a peer that cannot bind port 0 and tell us (collectd, Etsy StatsD):
// bind 0, read the port, close. Another process could take it meanwhile; on loopback in a bench
// run, nothing does.
import dgram from 'node:dgram'
import net from 'node:net'

export function freePort(kind) {
  return new Promise((resolve, reject) => {
    if (kind === 'tcp') {
      const server = net.createServer()
      server.on('error', reject)
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address()
        server.close(() => resolve(port))
      })
      return
    }
    const socket = dgram.createSocket(kind)
    socket.on('error', reject)
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address()
      socket.close(() => resolve(port))
    })
  })
}
