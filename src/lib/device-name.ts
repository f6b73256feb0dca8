/** A friendly default for "Your name", so the thermostat's member list says more than "Unnamed". */
export function defaultDeviceName(userAgent: string = navigator.userAgent): string {
  if (/iPhone/.test(userAgent)) return 'My iPhone';
  if (/iPad/.test(userAgent)) return 'My iPad';
  if (/Android/.test(userAgent)) return /Mobile/.test(userAgent) ? 'My Android phone' : 'My Android tablet';
  if (/Macintosh/.test(userAgent)) return 'My Mac';
  if (/Windows/.test(userAgent)) return 'My Windows PC';
  if (/CrOS/.test(userAgent)) return 'My Chromebook';
  if (/Linux/.test(userAgent)) return 'My Linux PC';
  return 'My phone';
}
