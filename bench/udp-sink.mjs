// The raw Node dgram receive ceiling for bench/ingest: a UDP socket with an empty 'message'
// handler (it only counts), bound like the agent's (127.0.0.1, same SO_RCVBUF). The parent asks
// for the counts over IPC. Usage: fork bench/udp-sink.mjs <recv_buffer_bytes>.
import dgram from 'node:dgram'

const recvBufferBytes = Number(process.argv[2] ?? 0)
const socket = dgram.createSocket('udp4')
let datagrams = 0
socket.on('message', () => {
  datagrams++
})
socket.bind(0, '127.0.0.1', () => {
  if (recvBufferBytes > 0) socket.setRecvBufferSize(recvBufferBytes)
  process.send({ port: socket.address().port })
})
process.on('message', (message) => {
  if (message === 'count') process.send({ datagrams })
  if (message === 'stop') socket.close(() => process.exit(0))
})
