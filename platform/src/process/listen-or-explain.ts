import type { StartingService } from './run-service';

/** Listens, turning the one common failure (port taken) into one clear line and exit code 2. */
export async function listenOrExplain(service: StartingService, listen: () => Promise<string>, port: number, host: string): Promise<string> {
  try {
    return await listen();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      return service.fail(`port ${port} on ${host} is already in use; set PORT to a free port`, 2);
    }
    throw error;
  }
}
