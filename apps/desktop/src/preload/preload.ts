import { contextBridge, ipcRenderer } from 'electron';
import type { DesktopBridge, DesktopSettings } from '@frontdesk/shared';

// The one object the renderer sees. Never expose ipcRenderer itself.
const bridge: DesktopBridge = {
  platform: process.platform,
  getSettings: () => ipcRenderer.invoke('frontdesk:get-settings') as Promise<DesktopSettings>,
  saveSettings: (settings) => ipcRenderer.invoke('frontdesk:save-settings', settings) as Promise<DesktopSettings>,
  loadToken: () => ipcRenderer.invoke('frontdesk:load-token') as Promise<string | null>,
  saveToken: (token) => ipcRenderer.invoke('frontdesk:save-token', token) as Promise<void>,
  printDaySheet: () => ipcRenderer.invoke('frontdesk:print-day-sheet') as Promise<void>,
};

contextBridge.exposeInMainWorld('frontdesk', bridge);
