# The zkpulse collector (and the demo simulation): TypeScript run by tsx, no build step.
# tsx is a runtime dependency, so `npm ci --omit=dev` installs everything the binary needs.
FROM node:20.19.5-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY . .
USER node
EXPOSE 7070
CMD ["node", "bin/zkpulse.js", "collect", "--config", "/etc/zkpulse/zkpulse.yaml"]
