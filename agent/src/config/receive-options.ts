// Flags for how datagrams are read: the UDP reader (the native recvmmsg addon or Node's dgram) and
// an optional unix datagram socket beside UDP (DogStatsD over UDS: a volume shared by the pod's
// containers, no port, and a full queue makes the sender wait instead of losing datagrams), and how
// many senders of numbered datagrams (protocol v1.1) are tracked for loss.
import { type Command, Option } from 'commander'
import { parseChoice, parseInteger } from './parse-values.js'
import { configError } from './taskmeter-error.js'

export const UDP_READERS = ['auto', 'native', 'dgram'] as const
export type UdpReaderChoice = (typeof UDP_READERS)[number]

export interface ReceiveConfig {
  /** --udp-reader: auto = native on Linux when the addon loaded, else dgram. */
  readonly udpReader: UdpReaderChoice
  /** --unix-socket: a unix datagram socket read beside UDP; null = none. */
  readonly unixSocket: string | null
  /** --unix-socket-mode: the socket file's permission bits. */
  readonly unixSocketMode: number
}

export interface SenderTrackingConfig {
  /** --max-clients: senders whose datagram sequences are tracked for loss; the oldest idle one makes room. */
  readonly maxClients: number
}

/** Tracked senders: about 100 bytes each, so the cap bounds memory well below the series'. */
export const MAX_CLIENTS_LIMIT = 100_000

export function addReceiveOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--udp-reader <reader>',
        'auto|native|dgram: native reads many datagrams per syscall (Linux, built addon); auto falls back to dgram',
      ).default('auto'),
    )
    .addOption(
      new Option(
        '--unix-socket <path>',
        'also receive datagrams on this unix datagram socket (needs the native reader)',
      ),
    )
    .addOption(new Option('--unix-socket-mode <octal>', 'permission bits of the --unix-socket file').default('0660'))
    .addOption(
      new Option(
        '--max-clients <n>',
        'senders tracked for datagram loss (protocol v1.1 headers); the oldest idle one is evicted past it',
      ).default('1024'),
    )
}

export function readReceiveOptions(
  options: Readonly<Record<string, unknown>>,
  label: (key: string, flag: string) => string,
): ReceiveConfig & SenderTrackingConfig {
  const udpReader = parseChoice(label('udpReader', '--udp-reader'), String(options.udpReader), UDP_READERS)
  const modeText = String(options.unixSocketMode)
  if (!/^0?[0-7]{3}$/.test(modeText))
    throw configError(
      `${label('unixSocketMode', '--unix-socket-mode')} must be octal permission bits like 0660 (got ${JSON.stringify(modeText)})`,
    )
  const unixSocket = typeof options.unixSocket === 'string' ? options.unixSocket : null
  if (unixSocket !== null && (unixSocket.length === 0 || Buffer.byteLength(unixSocket) > 107))
    throw configError(
      `${label('unixSocket', '--unix-socket')} must be a path of 1 to 107 bytes (got ${JSON.stringify(unixSocket)})`,
    )
  if (unixSocket !== null && udpReader === 'dgram')
    throw configError(
      `${label('unixSocket', '--unix-socket')} needs the native reader: drop --udp-reader dgram or the unix socket`,
    )
  const maxClients = parseInteger(
    label('maxClients', '--max-clients'),
    String(options.maxClients),
    1,
    MAX_CLIENTS_LIMIT,
  )
  return { udpReader, unixSocket, unixSocketMode: Number.parseInt(modeText, 8), maxClients }
}
