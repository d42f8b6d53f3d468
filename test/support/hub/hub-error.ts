// An error IoT Hub answers with: an HTTP-style status, its error code name and a message. The
// REST side sends it as {"Message":"ErrorCode:<code>;<message>"}, which azure-iothub parses
// into its typed errors; the MQTT twin side as {"errorCode":<number>,"message":…}.
export class HubError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
