// The one object the Electron preload exposes to the renderer as
// `window.frontdesk`. In a plain browser it is absent.
export interface DesktopSettings {
  serverUrl: string;
  deskName: string;
}

export interface DesktopBridge {
  readonly platform: string;
  getSettings(): Promise<DesktopSettings>;
  saveSettings(settings: DesktopSettings): Promise<DesktopSettings>;
  /** Session token, kept in the OS's secure storage where available. */
  loadToken(): Promise<string | null>;
  saveToken(token: string | null): Promise<void>;
  printDaySheet(): Promise<void>;
}

declare global {
  interface Window {
    frontdesk?: DesktopBridge;
  }
}
