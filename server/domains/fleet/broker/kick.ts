// Kicking a device off the fleet channel, from any process: the request goes out on Redis
// pub/sub and every fleet process applies it to its own broker (adapter.ts), so the device
// is dropped whichever broker it is connected to. Revocation does not need it (each fleet
// process applies trust changes itself); this is for everything else that must end a
// session now. A device whose certificate is still valid reconnects: kicking is not
// revoking.
import { z } from "zod";
import { zText } from "../../../../protocol/text";
import { type RedisClient, redisKey } from "../../../platform/redis";
import { redisChannel } from "../../../platform/redis-channel";

const ZKick = z.object({
  /** Certificate identities (`<orgId>.<deviceId>`, or the control plane's). */
  identities: z.array(zText().min(1).max(200)).min(1).max(10_000),
});
export type Kick = z.infer<typeof ZKick>;

const kickChannel = redisChannel(() => redisKey("fleet:kick"), ZKick, "kick");

export const publishKick = (redis: RedisClient, kick: Kick) => kickChannel.publish(redis, kick);

export const subscribeKick = kickChannel.subscribe;
