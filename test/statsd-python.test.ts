// StatsD end to end from another language: Python's standard library (`python3 -c` with `socket`)
// sends StatsD and DogStatsD text to a real agent process, over UDP on the protocol v1 port and
// over TCP (--tcp-port), and /metrics shows exactly what was sent. A missing python3 is a failure
// naming the package to install, never a skip.
import { describe, expect, it } from 'vitest'
import { agentPerSuite } from './harness/agent-suite.js'
import { getText, waitFor } from './harness/poll.js'
import { sampleValue } from './harness/prometheus-text.js'
import { tcpPortOf } from './harness/statsd-text.js'
import { requireTool } from './harness/system-tool.js'
import { type ProcessResult, runProcess } from './harness/run-process.js'

// Sends one line per datagram, then a multi-line datagram, then the same kinds over one TCP
// connection. Prints the number of lines it sent.
const SENDER = String.raw`
import socket, sys, time
udp_port, tcp_port = int(sys.argv[1]), int(sys.argv[2])
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
lines = []
for i in range(200):
    lines.append("py.request:%d|ms|#route:/api,method:GET" % (i % 100 + 1))
for i in range(20):
    lines.append("py.jobs:2|c|@0.5")
lines.append("py.temp:21.5|g")
lines.append("py.temp:-1.5|g")
for member in ["u1", "u2", "u1", "u3"]:
    lines.append("py.visitors:%s|s" % member)
lines.append("py.size:1:2:3:4|h|#src:py")
lines.append("py.multi:5|ms:15|ms|T%d" % int(time.time()))
lines.append("py.box:1|c|#env:test|c:container-9")
lines.append("py.bad:oops|c")
for line in lines:
    udp.sendto(line.encode(), ("127.0.0.1", udp_port))
    time.sleep(0.0002)
udp.sendto(b"py.batch:1|c\npy.batch:2|c\r\npy.batch:3|c\n", ("127.0.0.1", udp_port))
tcp = socket.create_connection(("127.0.0.1", tcp_port))
tcp.sendall(b"".join(b"py.tcp:%d|ms\n" % (i + 1) for i in range(100)))
tcp.sendall(b"py.tcp.hits:7|c\npy.tcp.last:1|g")
tcp.shutdown(socket.SHUT_WR)
tcp.recv(1)
tcp.close()
print(len(lines) + 3 + 102)
`

function runPython(python: string, args: string[]): Promise<ProcessResult> {
  return runProcess(python, ['-c', SENDER, ...args], { timeoutMs: 30_000, until: 'exit' })
}

describe('Python stdlib socket → agent, StatsD text over UDP and TCP', () => {
  const agent = agentPerSuite(['--tcp-port', '0'])

  it('shows exactly what python3 sent', async () => {
    const python = requireTool('python3', 'apt-get install python3')
    const { code, stdout, stderr } = await runPython(python, [String(agent().udpPort), String(tcpPortOf(agent()))])
    expect(code, stderr).toBe(0)
    const lines = Number(stdout.trim())
    expect(lines).toBe(335) // 230 single lines, 3 in one datagram, 102 over TCP
    const text = await waitFor('every line', async () => {
      const body = await getText(`${agent().baseUrl}/metrics`)
      return sampleValue(body, 'taskmeter_lines_received_total') === lines ? body : undefined
    })
    const route = { task: 'py.request', route: '/api', method: 'GET' }
    expect(sampleValue(text, 'requests_total', { ...route, status: 'success' })).toBe(200)
    expect(sampleValue(text, 'task_duration_seconds_sum', route)).toBeCloseTo((2 * ((100 * 101) / 2)) / 1000, 12)
    expect(sampleValue(text, 'py_jobs_total')).toBe(80) // 20 lines of 2 at @0.5
    expect(sampleValue(text, 'py_temp')).toBe(20)
    expect(sampleValue(text, 'py_visitors')).toBe(3)
    expect(sampleValue(text, 'py_size_count', { src: 'py' })).toBe(4)
    expect(sampleValue(text, 'py_size_sum', { src: 'py' })).toBe(10)
    expect(sampleValue(text, 'tasks_completed_total', { task: 'py.multi' })).toBe(2)
    expect(sampleValue(text, 'py_box_total', { env: 'test', container_id: 'container-9' })).toBe(1)
    expect(sampleValue(text, 'py_batch_total')).toBe(6)
    expect(sampleValue(text, 'taskmeter_lines_invalid_total', { reason: 'bad_value' })).toBe(1)
    // Over TCP, including a last line without a newline before the connection closed.
    expect(sampleValue(text, 'tasks_completed_total', { task: 'py.tcp' })).toBe(100)
    expect(sampleValue(text, 'task_duration_seconds_sum', { task: 'py.tcp' })).toBeCloseTo(5.05, 12)
    expect(sampleValue(text, 'py_tcp_hits_total')).toBe(7)
    expect(sampleValue(text, 'py_tcp_last')).toBe(1)
    expect(sampleValue(text, 'taskmeter_tcp_connections_accepted_total')).toBe(1)
  })
})
