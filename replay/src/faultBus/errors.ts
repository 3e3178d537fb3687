/** The fault bus could not start: the message says what to do. */
export class FaultBusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultBusError';
  }
}
