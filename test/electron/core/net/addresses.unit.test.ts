import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { lanAddresses } from '../../../../electron/core/net/addresses.js';

const v4 = (address: string, internal = false): NetworkInterfaceInfo =>
  ({
    address,
    family: 'IPv4',
    internal,
    netmask: '255.255.255.0',
    mac: '00:00:00:00:00:00',
    cidr: null,
  }) as NetworkInterfaceInfo;
const v6 = (address: string): NetworkInterfaceInfo =>
  ({
    address,
    family: 'IPv6',
    internal: false,
    netmask: 'ffff::',
    mac: '00:00:00:00:00:00',
    cidr: null,
    scopeid: 0,
  }) as NetworkInterfaceInfo;

describe('lanAddresses', () => {
  it('puts Wi-Fi and Ethernet first, unknown adapters next, bridges and VPNs last', () => {
    const list = lanAddresses({
      docker0: [v4('172.17.0.1')],
      tailscale0: [v4('100.101.102.103')],
      usb0: [v4('192.168.42.10')],
      lo: [v4('127.0.0.1', true)],
      wlp2s0: [v4('192.168.1.23'), v6('fe80::1')],
      enp0s31f6: [v4('10.0.0.5')],
    });
    expect(list.map((a) => a.interface)).toEqual(['wlp2s0', 'enp0s31f6', 'usb0', 'docker0', 'tailscale0']);
    expect(list.map((a) => a.virtual)).toEqual([false, false, false, true, true]);
  });

  it('knows the macOS and Windows names', () => {
    const list = lanAddresses({
      'vEthernet (WSL)': [v4('172.20.0.1')],
      'Ethernet 2': [v4('10.1.1.2')],
      'Wi-Fi': [v4('192.168.0.7')],
      bridge100: [v4('192.168.64.1')],
      en0: [v4('192.168.0.8')],
    });
    expect(list.map((a) => a.interface)).toEqual(['Ethernet 2', 'Wi-Fi', 'en0', 'vEthernet (WSL)', 'bridge100']);
  });

  it('skips loopback, link-local and IPv6', () => {
    const list = lanAddresses({ lo: [v4('127.0.0.1', true)], eth0: [v4('169.254.3.4'), v6('fe80::2')] });
    expect(list).toEqual([]);
  });
});
