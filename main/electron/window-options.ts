/**
 * The security settings of Tagscape's window, as data so a unit test can assert them without Electron
 * (the Electron checklist: isolation, sandbox, no Node in the page, no webview, a preload that exposes
 * one function per operation, and a CSP that allows only the app's own files).
 */

export interface SecureWindowOptions {
  width: number;
  height: number;
  show: boolean;
  backgroundColor: string;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    nodeIntegrationInWorker: false;
    nodeIntegrationInSubFrames: false;
    webviewTag: false;
    webSecurity: true;
    allowRunningInsecureContent: false;
    experimentalFeatures: false;
    navigateOnDragDrop: false;
    spellcheck: false;
  };
}

export function secureWindowOptions(preload: string): SecureWindowOptions {
  return {
    width: 1400,
    height: 900,
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/** The page is served from the app:// protocol; nothing else may be loaded, framed or connected to. */
export const APP_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
  "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'none'",
].join('; ');

/** External links a user may open in the system browser; every other URL is refused. */
export const EXTERNAL_ALLOWLIST = [/^https:\/\/arxiv\.org\//, /^https:\/\/cms\.cern\//, /^https:\/\/github\.com\//];

export function isAllowedExternal(url: string): boolean {
  return EXTERNAL_ALLOWLIST.some((re) => re.test(url));
}

/** In-app navigation is allowed only within the app's own origin. */
export function isAppUrl(url: string): boolean {
  return url.startsWith('app://tagscape/');
}
