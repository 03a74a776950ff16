import type { ConfigDriveFetcher } from '@ironic-metadata/configdrive';
import axios from 'axios';

/**
 * Fetches a config drive stored as a URL (Ironic's `configdrive_use_object_store`: a Swift temp URL)
 * for the codec, within its size and time limits. Errors name the URL without its query, which
 * carries the temp URL's signature.
 */
export const httpConfigDriveFetcher: ConfigDriveFetcher = async (url, { maxBytes, timeoutMs }) => {
  const shown = url.split('?')[0];
  try {
    const response = await axios.get<ArrayBuffer>(url, {
      responseType: 'arraybuffer',
      timeout: timeoutMs,
      maxContentLength: maxBytes,
      maxRedirects: 3,
      validateStatus: (status) => status === 200,
    });
    return Buffer.from(response.data);
  } catch (error) {
    const status = axios.isAxiosError(error) ? error.response?.status : undefined;
    const reason = status !== undefined ? `answered ${status}` : (error as Error).message.replace(url, shown);
    throw new Error(`GET ${shown} ${reason}: a temp URL may have expired; redeploy or rebuild the node to store a fresh config drive`);
  }
};
