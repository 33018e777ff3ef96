// One process: the ingest half runs here, straight into the served aggregator.
import type { DatagramRouter } from '../decode/datagram-router.js'
import type { DatagramListener } from '../ingest/datagram-listener.js'
import type { Logger } from '../logger.js'
import { MetricMapper } from '../mapping/metric-mapper.js'
import { startIngest } from './ingest.js'
import { type StartTopology, type Topology, readerFields } from './topology.js'

export interface LocalIngest extends Topology {
  readonly router: DatagramRouter
}

// Linux caps SO_RCVBUF at net.core.rmem_max (and reports twice the value set): say how to raise it.
function warnIfRecvBufferCapped(udp: DatagramListener, requestedBytes: number, logger: Logger): void {
  if (requestedBytes === 0) return
  const actualBytes = udp.recvBufferBytes()
  if (actualBytes < requestedBytes) {
    logger.warn(
      {
        requested_bytes: requestedBytes,
        actual_bytes: actualBytes,
        fix: `sysctl -w net.core.rmem_max=${requestedBytes}`,
      },
      'the kernel capped --recv-buffer; bursts may be dropped (see taskmeter_udp_kernel_drops_total)',
    )
  }
}

export const startLocalIngest: StartTopology<LocalIngest> = async (config, { aggregator, logger }) => {
  const ingest = await startIngest(config, aggregator, logger)
  const { router, udp, tcp } = ingest
  warnIfRecvBufferCapped(udp, config.recvBufferBytes, logger)
  return {
    router,
    udp: ingest.udpBound,
    tcp: ingest.tcpBound,
    udpReader: ingest.reader,
    counters: { ...ingest.parts, kernelDrops: () => ingest.kernelDrops() },
    refresh: null,
    listeningFields: {
      worst_case_mib: Math.round(config.worstCaseBytes / 1048576),
      ...readerFields(ingest.reader, ingest.readerNote),
      ...(ingest.unixBound === null ? {} : { unix_socket: ingest.unixBound }),
    },
    // The sender table rides in the agent info: the dashboard snapshot lifts it to its `clients`.
    agentInfo: () => ({ recv_buffer_bytes: udp.recvBufferBytes(), clients: router.senders.rows() }),
    isReady: () => ingest.isBound() && (tcp === null || tcp.isListening),
    // Evicted series may still be cached by the decoders: a new event must find them gone.
    onEvicted: () => router.clearCaches(),
    applyMapping: (next) => router.setMapper(next.mapping === null ? null : new MetricMapper(next.mapping)),
    stop: () => ingest.close(),
  }
}
