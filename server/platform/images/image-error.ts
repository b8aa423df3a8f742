import { AppError } from "../errors";

/** Every refusal of an uploaded image: a 400 whose message says what to fix. */
export const badImage = (message: string) => new AppError("BAD_REQUEST", message);

export const kib = (bytes: number) => `${Math.ceil(bytes / 102.4) / 10} KiB`;
