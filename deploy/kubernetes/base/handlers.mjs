// The handlers the workers run (mounted from the cadenza-handlers ConfigMap at
// /etc/cadenza/handlers/handlers.mjs). Replace with yours: the default export maps job
// names to handlers (packages/worker/README.md).
export default {
  'email.send': async (job, ctx) => {
    ctx.log.info({ to: job.payload?.to }, 'sending email');
    return { sent: true };
  },
};
