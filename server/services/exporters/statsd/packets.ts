/**
 * How a batch of lines goes on the wire (kong-plugins §1d.6, Kong 3.9 `statsd_logger.lua`).
 *
 * UDP with `udp_packet_size` = 0: one datagram per line. Otherwise Kong's buffer rule, reproduced as is:
 * lines are joined with "\n"; a line that would push the buffered size past the limit flushes the buffer
 * and starts a new one whose size is the line's length *without* its newline, so a datagram can exceed the
 * limit by one byte (size 80: a 38-byte line, then an 81-byte pair). A line longer than the limit with an
 * empty buffer is kept (Kong logs a warning) and goes out alone with the next flush.
 */
export function combineDatagrams(lines: readonly string[], udpPacketSize: number): string[] {
  if (udpPacketSize <= 0) return lines.slice();
  const datagrams: string[] = [];
  let buffer: string[] = [];
  let bufferedSize = 0;
  for (const line of lines) {
    // Kong measures Lua string length: bytes, not UTF-16 units.
    const length = Buffer.byteLength(line);
    const newSize = bufferedSize + length;
    if (newSize > udpPacketSize) {
      if (bufferedSize > 0) datagrams.push(buffer.join("\n"));
      buffer = [line];
      bufferedSize = length;
    } else {
      buffer.push(line);
      bufferedSize = newSize + 1;
    }
  }
  if (bufferedSize > 0) datagrams.push(buffer.join("\n"));
  return datagrams;
}

/**
 * TCP (`use_tcp`): Kong writes every line and then a separate "\n", so the stream is `line\nline\n`;
 * udp_packet_size is ignored. One write of the same bytes is indistinguishable on the stream.
 */
export function tcpPayload(lines: readonly string[]): string {
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
