/** Entry of firmware.html: nothing of the app is loaded here, and ESP Web Tools only once there is an image to flash. */
import { lookUpFirmware, showFirmware } from './install-page';
import './install-page.css';

const root = document.getElementById('firmware');
if (root === null) throw new Error('firmware.html lacks #firmware');
const lookup = await lookUpFirmware((url, init) => fetch(url, init), location.href);
await showFirmware(root, lookup, () => import('esp-web-tools/dist/web/install-button.js'));
