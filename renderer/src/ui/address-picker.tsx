/**
 * Which of the laptop's addresses goes on the QR code. The pick is the kit's
 * (`kit.chooseAddress`), so the projector, join links, key cards and the
 * pre-flight all agree; a container or VPN bridge is marked as one.
 */
import type { KitInfo } from '../../../shared/types';
import { kit } from '../client';
import { useToast } from './toast';

export function AddressPicker({
  info,
  onChange,
  label = 'On the QR code',
}: {
  info: KitInfo;
  onChange: () => void;
  label?: string;
}) {
  const toast = useToast();
  const addresses = info.preflight.network.addresses;
  const current = addresses.find((a) => a.onQrCode)?.address ?? '';
  if (addresses.length < 2) return null;
  return (
    <select
      aria-label={label}
      value={current}
      onChange={(e) =>
        kit.kit.chooseAddress({ address: e.target.value }).then(onChange, (err: Error) => toast(err.message, true))
      }
    >
      {addresses.map((a) => (
        <option key={a.address} value={a.address}>
          {a.address} ({a.interface}
          {a.virtual ? ', bridge or VPN' : ''})
        </option>
      ))}
    </select>
  );
}
