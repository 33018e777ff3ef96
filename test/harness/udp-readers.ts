// Every ingest test that cares how datagrams are read runs once per reader: the native recvmmsg
// reader and Node's dgram. `--udp-reader native` makes the agent exit with one line when the addon
// did not build, so a machine without it fails these tests loudly instead of testing dgram twice.
export const UDP_READERS = ['native', 'dgram'] as const
export type UdpReaderUnderTest = (typeof UDP_READERS)[number]

export function readerArgs(reader: UdpReaderUnderTest): string[] {
  return ['--udp-reader', reader]
}
