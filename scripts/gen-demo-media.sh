#!/usr/bin/env bash
# Generate the demo product videos, their posters and a looping live-room clip
# into assets/demo/videos/. Everything is synthesised from ffmpeg's lavfi
# sources, so nothing is downloaded. The outputs are committed to the repo;
# this script only has to be re-run when the media should change.
#
# Needs: ffmpeg (with libx264, libfreetype) and fonts-wqy-microhei
#   apt-get install -y ffmpeg fonts-wqy-microhei
#
# Idempotent: every run overwrites the same files, and the encoder is run with
# bitexact flags and fixed seeds, so re-running gives the same bytes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/assets/demo/videos"
FONT="${FONT:-/usr/share/fonts/truetype/wqy/wqy-microhei.ttc}"
W=360
H=640
FPS=25
DUR=5
SIZE="${W}x${H}"

command -v ffmpeg >/dev/null || { echo "ffmpeg not found (apt-get install -y ffmpeg)" >&2; exit 1; }
[ -f "$FONT" ] || { echo "font not found: $FONT (apt-get install -y fonts-wqy-microhei)" >&2; exit 1; }

mkdir -p "$OUT"

# H.264 main profile, yuv420p, small and web-friendly, no audio, no metadata.
ENC=(-c:v libx264 -profile:v main -preset slow -crf 32 -maxrate 320k -bufsize 640k
     -g 50 -pix_fmt yuv420p -an -movflags +faststart
     -map_metadata -1 -fflags +bitexact -flags:v +bitexact -threads 1)

# Caption overlay: a brand tag at the top, the big centred product name, and a
# call to action at the bottom.
text_layers() {
  local title="$1"
  printf '%s' \
    "drawtext=fontfile=${FONT}:text='yellowcart · 好物推荐':fontsize=20:fontcolor=white@0.95:x=(w-text_w)/2:y=56:box=1:boxcolor=black@0.3:boxborderw=6," \
    "drawtext=fontfile=${FONT}:text='${title}':fontsize=40:fontcolor=white:x=(w-text_w)/2:y=(h-text_h)/2:box=1:boxcolor=black@0.45:boxborderw=18:shadowcolor=black@0.7:shadowx=2:shadowy=2," \
    "drawtext=fontfile=${FONT}:text='小黄车 · 立即抢购':fontsize=24:fontcolor=0xffe14d:x=(w-text_w)/2:y=h-120:box=1:boxcolor=black@0.55:boxborderw=10"
}

# make_video NN "标题" "filtergraph producing one ${SIZE} stream"
make_video() {
  local n="$1" title="$2" graph="$3"
  local mp4="$OUT/v${n}.mp4" jpg="$OUT/v${n}.jpg"
  echo "v${n}: ${title}"
  ffmpeg -nostdin -hide_banner -loglevel error -y \
    -filter_complex "${graph},scale=${W}:${H},setsar=1,format=yuv420p,$(text_layers "$title")" \
    -t "$DUR" -r "$FPS" "${ENC[@]}" "$mp4"
  ffmpeg -nostdin -hide_banner -loglevel error -y -ss 0.5 -i "$mp4" \
    -frames:v 1 -q:v 5 -map_metadata -1 -fflags +bitexact -flags:v +bitexact "$jpg"
}

# A round dot with a soft edge that gets overlaid and moved (decoration).
blob() { # colour[@alpha] diameter
  printf "color=c=%s:s=%sx%s:r=%s,format=yuva420p,geq=lum='p(X,Y)':cb='p(X,Y)':cr='p(X,Y)':a='alpha(X,Y)*clip((W/2-hypot(X-W/2+0.5,Y-H/2+0.5))/2,0,1)'" "$1" "$2" "$2" "$FPS"
}

# 01 法式碎花连衣裙 — pink / cream rotating gradient with drifting petals
make_video 01 "法式碎花连衣裙" \
  "gradients=s=${SIZE}:r=${FPS}:c0=0xf7c6d9:c1=0xfff4e6:c2=0xe98fb0:n=3:speed=0.03:seed=1[bg];
   $(blob 0xffffff@0.7 40)[p1];$(blob 0xff7aa8@0.8 28)[p2];
   [bg][p1]overlay=x='mod(t*70,400)-40':y='120+40*sin(t*2)'[a];
   [a][p2]overlay=x='300-mod(t*55,380)':y='470+30*cos(t*3)'"

# 02 轻薄羽绒服 — icy blue with falling "snow" squares
make_video 02 "轻薄羽绒服" \
  "gradients=s=${SIZE}:r=${FPS}:c0=0x6fa8dc:c1=0xdff1ff:x0=0:y0=0:x1=0:y1=${H}:speed=0.00001:seed=2[bg];
   $(blob white@0.9 18)[s1];$(blob white@0.8 12)[s2];$(blob white@0.85 22)[s3];
   [bg][s1]overlay=x='60+20*sin(t*2)':y='mod(t*130,680)-20'[a];
   [a][s2]overlay=x='200+25*sin(t*3)':y='mod(t*100+250,680)-20'[b];
   [b][s3]overlay=x='300+15*cos(t*2)':y='mod(t*160+450,680)-20'"

# 03 运动跑鞋 — testsrc2 pattern, saturated and sporty
make_video 03 "运动跑鞋" \
  "testsrc2=s=420x740:r=${FPS},crop=${W}:${H}:60:100,hue=s=1.3:h='t*20',eq=brightness=-0.05"

# 04 保湿面霜 — slow zoom into the Mandelbrot set, creamy tones
make_video 04 "保湿面霜" \
  "mandelbrot=s=${SIZE}:r=${FPS}:start_scale=3:end_scale=0.3:end_pts=200:inner=convergence,hue=h=40:s=0.6,eq=brightness=0.08"

# 05 口红试色 — deep reds and rose, faster-rotating gradient with swatches
make_video 05 "口红试色" \
  "gradients=s=${SIZE}:r=${FPS}:c0=0x7a0020:c1=0xd7263d:c2=0xff8fa3:c3=0x4a0010:n=4:speed=0.06:seed=5[bg];
   color=c=0xb3002d:s=60x60:r=${FPS}[c1];color=c=0xe8505b:s=60x60:r=${FPS}[c2];color=c=0xff9aa2:s=60x60:r=${FPS}[c3];
   [bg][c1]overlay=x=60:y='470+10*sin(t*4)'[a];
   [a][c2]overlay=x=150:y='470+10*sin(t*4+1)'[b];
   [b][c3]overlay=x=240:y='470+10*sin(t*4+2)'"

# 06 无线蓝牙耳机 — cyan cellular automaton (rule 30) on deep navy
make_video 06 "无线蓝牙耳机" \
  "cellauto=s=60x107:r=${FPS}:rule=30:seed=6:full=1,scale=${W}:${H}:flags=neighbor,
   format=rgb24,lutrgb=r='12+val*0.12':g='22+val*0.5':b='52+val*0.6',gblur=sigma=1"

# 07 智能手表 — animated Sierpinski carpet in tech blue/purple
make_video 07 "智能手表" \
  "sierpinski=s=${SIZE}:r=${FPS}:seed=7:jump=20:type=carpet,format=rgb24,lutrgb=r='18+val*0.25':g='24+val*0.55':b='48+val*0.75',hue=h='t*12'"

# 08 坚果礼盒 — warm brown Game of Life with golden mould
make_video 08 "坚果礼盒" \
  "life=s=72x128:r=${FPS}:seed=8:ratio=0.35:mold=10:life_color=0xf0c27b:death_color=0x3b2314:mold_color=0x8b5a2b,scale=${W}:${H}:flags=neighbor"

# 09 手冲咖啡豆 — espresso-brown gradient with a rising "steam" blob
make_video 09 "手冲咖啡豆" \
  "gradients=s=${SIZE}:r=${FPS}:c0=0x1e120a:c1=0x6f4e37:c2=0xc69c6d:n=3:speed=0.02:seed=9[bg];
   $(blob 0xfff5e6@0.55 80)[s1];$(blob 0xfff5e6@0.4 60)[s2];
   [bg][s1]overlay=x='140+30*sin(t*2)':y='560-mod(t*90,560)'[a];
   [a][s2]overlay=x='170+25*cos(t*2.5)':y='560-mod(t*70+200,560)'"

# 10 儿童绘本 — bright, playful Game of Life (yellow/sky blue)
make_video 10 "儿童绘本" \
  "life=s=36x64:r=12:seed=10:ratio=0.3:mold=25:life_color=0xffd23f:death_color=0x3bceac:mold_color=0x0ead69,scale=${W}:${H}:flags=neighbor,fps=${FPS}"

# 11 瑜伽垫 — softened HD colour bars, slowly shifting pastel stripes
make_video 11 "瑜伽垫" \
  "smptehdbars=s=${SIZE}:r=${FPS},gblur=sigma=12,hue=h='t*30':s=0.55,eq=brightness=0.1"

# 12 陶瓷餐具套装 — porcelain white with blue-and-white glaze blobs
make_video 12 "陶瓷餐具套装" \
  "color=c=0xf4f1ea:s=${SIZE}:r=${FPS}[bg];
   $(blob 0x1f4e9c@0.85 70)[b1];$(blob 0x3f72c4@0.7 50)[b2];$(blob 0x0d2f6b@0.8 36)[b3];
   [bg][b1]overlay=x='145+110*cos(t*1.3)':y='300+200*sin(t*1.3)'[a];
   [a][b2]overlay=x='155+120*cos(t*1.3+2.1)':y='300+200*sin(t*1.3+2.1)'[b];
   [b][b3]overlay=x='162+120*cos(t*1.3+4.2)':y='300+200*sin(t*1.3+4.2)'"

# live01 — 10 s seamless loop: a plasma whose periods divide 10 s exactly,
# plus a blinking LIVE badge with a 1 s period.
echo "live01: 直播间 LIVE"
LIVE_DUR=10
ffmpeg -nostdin -hide_banner -loglevel error -y \
  -filter_complex "color=c=black:s=180x320:r=${FPS},format=gbrp,
    geq=r='165+60*sin(X/14+2*PI*T/10)':g='60+40*sin(Y/18-2*PI*T/5)':b='140+70*sin((X+Y)/22+2*PI*T/10)',
    scale=${W}:${H}:flags=bicubic,format=yuv420p,
    drawbox=x=20:y=20:w=92:h=36:color=0xff2d55@0.9:t=fill,
    drawtext=fontfile=${FONT}:text='● LIVE':fontsize=20:fontcolor=white:x=32:y=27:alpha='0.55+0.45*cos(2*PI*t)',
    drawtext=fontfile=${FONT}:text='直播间 LIVE':fontsize=44:fontcolor=white:x=(w-text_w)/2:y=(h-text_h)/2:box=1:boxcolor=black@0.4:boxborderw=20:shadowcolor=black@0.7:shadowx=2:shadowy=2,
    drawtext=fontfile=${FONT}:text='yellowcart · 边看边买':fontsize=22:fontcolor=0xffe14d:x=(w-text_w)/2:y=h-120:box=1:boxcolor=black@0.55:boxborderw=10" \
  -frames:v $((LIVE_DUR * FPS)) -r "$FPS" "${ENC[@]}" "$OUT/live01.mp4"

echo "done:"
du -cb "$OUT"/* | tail -n 1
