# Production image: one image, two roles (`serve api`, `serve worker`); see docker-compose.yml.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
COPY emulators ./emulators
COPY drizzle ./drizzle
# Compiles TypeScript and prebuilds the workflow bundle, then drops dev dependencies.
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    API_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/drizzle ./drizzle
COPY bin ./bin
USER node
EXPOSE 8080
ENTRYPOINT ["node", "bin/storelink.js"]
CMD ["serve"]
