# The zkpulse collector (and the demo simulation): the compiled JavaScript (dist/) run by plain Node.
# Stage 1 builds dist/ with the dev dependencies (typescript); stage 2 holds only the runtime dependencies.
FROM node:20.19.5-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20.19.5-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` (the build) needs typescript, a dev dependency; dist/ comes from the build stage.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY dashboards ./dashboards
USER node
EXPOSE 7070
CMD ["node", "bin/zkpulse.js", "collect", "--config", "/etc/zkpulse/zkpulse.yaml"]
