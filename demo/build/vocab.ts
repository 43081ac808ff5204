/**
 * The vocabulary of the demo world: topics, their subtopics, and the words
 * that titles and captions are built from. Each subtopic lists the things
 * its items are about; each topic lists how its items are presented
 * (formats), qualifiers, who they are for and how they were made.
 */

export interface TopicVocab {
  name: string;
  /** Suffixes that turn a thing into a title: "recipe", "review", "for beginners". */
  formats: string[];
  /** Qualifiers put before the thing: "one-pot", "budget". */
  modifiers: string[];
  /** "for …" clauses of captions. */
  audiences: string[];
  /** Closing clauses of captions: how the item was made. */
  details: string[];
  /** Subtopic name → the things its items are about, comma-separated. */
  subtopics: Record<string, string>;
}

const list = (s: string): string[] => s.split(',').map((w) => w.trim());

const raw: [string, string, string, string, string, Record<string, string>][] = [
  ['Cooking', 'recipe, in 20 minutes, for beginners, cook-along, the easy way', 'one-pot, spicy, creamy, weeknight, smoky, garlicky', 'for busy weeknights, for a family of four, for cooking on a budget, for first-time cooks', 'filmed in a small home kitchen, with every step shown close up, with a shopping list at the end, cooked in real time', {
    'Pasta': 'carbonara, lasagne, pesto pasta, mac and cheese, baked ziti, lemon spaghetti',
    'Curries': 'chicken curry, chickpea curry, dal, green Thai curry, butter chicken, lentil masala',
    'Soups': 'lentil soup, tomato soup, ramen broth, minestrone, chicken noodle soup, miso soup',
    'Grilling': 'pork ribs, burgers, grilled corn, chicken skewers, flank steak, grilled salmon',
    'Meal prep': 'lunch boxes, rice bowls, overnight oats, freezer burritos, grain salads, sheet-pan dinners',
  }],
  ['Baking', 'recipe, tutorial, troubleshooting, bake-along, masterclass', 'classic, chewy, flaky, gluten-free, no-knead, brown-butter', 'for home bakers, for weekend mornings, for beginners, for a birthday table', 'baked in a regular home oven, with weights in grams and cups, with a look inside the crumb, shot from above the counter', {
    'Bread': 'sourdough loaf, focaccia, bagels, rye bread, brioche, sandwich loaf',
    'Cakes': 'chocolate cake, carrot cake, cheesecake, lemon drizzle, sponge cake, banana bread',
    'Cookies': 'chocolate chip cookies, shortbread, macarons, oatmeal cookies, brownies, biscotti',
    'Pastry': 'croissants, apple pie, puff pastry, eclairs, tarts, cinnamon rolls',
  }],
  ['Hiking', 'trail guide, vlog, gear check, route review, trip report', 'alpine, coastal, two-day, winter, sunrise, off-season', 'for weekend hikers, for families with kids, for solo walkers, for first-timers', 'filmed with a chest camera, with the map and elevation shown, with water and food stops marked, recorded over one long day', {
    'Day hikes': 'ridge walk, waterfall loop, lake trail, forest circuit, summit path, canyon walk',
    'Trekking': 'hut-to-hut trek, long-distance trail, multi-day traverse, valley trek, pilgrim route, high route',
    'Hiking gear': 'hiking boots, trekking poles, daypack, rain shell, trail shoes, water filter',
    'Navigation': 'map reading, compass skills, GPS app, route planning, whiteout navigation, trail markers',
  }],
  ['Camping', 'setup, vlog, gear review, trip, guide', 'wild, rainy, car, lightweight, family, cold-weather', 'for first-time campers, for families, for couples, for solo trips', 'filmed at the campsite from dusk to morning, with a full gear list, with every mistake left in, shot on a phone', {
    'Tents': 'tunnel tent, ultralight tent, rooftop tent, bivvy, tarp shelter, family tent',
    'Camp cooking': 'camp stove, cast-iron breakfast, foil-pack dinner, campfire bread, one-pan stew, trail coffee',
    'Sleep systems': 'sleeping bag, sleeping pad, hammock, camp pillow, quilt, liner',
    'Campsites': 'lakeside camp, forest pitch, beach camp, mountain campsite, desert camp, riverside spot',
  }],
  ['Skincare', 'routine, review, explained, dermatologist tips, comparison', 'gentle, fragrance-free, hydrating, budget, brightening, barrier-repair', 'for dry skin, for oily skin, for sensitive skin, for teenagers', 'tested for four weeks, with before-and-after photos, with the ingredient list read out, filmed in daylight', {
    'Cleansers': 'foaming cleanser, cleansing balm, micellar water, oil cleanser, gel cleanser, cream cleanser',
    'Serums': 'vitamin C serum, hyaluronic serum, niacinamide serum, retinol serum, peptide serum, azelaic serum',
    'Moisturizers': 'ceramide cream, gel moisturizer, night cream, barrier balm, face oil, eye cream',
    'Sun care': 'mineral sunscreen, SPF 50 fluid, tinted sunscreen, sun stick, after-sun gel, body sunscreen',
    'Acne care': 'salicylic toner, spot patches, benzoyl wash, clay mask, BHA exfoliant, calming gel',
  }],
  ['Makeup', 'tutorial, review, look, swatches, first impressions', 'everyday, long-wear, natural, smoky, matte, dewy', 'for beginners, for hooded eyes, for mature skin, for a wedding day', 'filmed in natural light, with every product named, with a wear test at the end, done in under ten minutes', {
    'Base': 'foundation, concealer, setting powder, primer, skin tint, cushion compact',
    'Eyes': 'mascara, eyeliner, eyeshadow palette, brow gel, lash curler, cream shadow',
    'Lips': 'lipstick, lip liner, lip gloss, lip oil, lip stain, lip balm',
    'Tools': 'makeup brushes, beauty sponge, brush cleaner, travel kit, lighted mirror, powder puff',
  }],
  ['Haircare', 'routine, tutorial, review, wash day, tips', 'curly, frizz-free, heatless, volumising, sulfate-free, quick', 'for curly hair, for fine hair, for thick hair, for colour-treated hair', 'filmed over a full wash day, with the products shown in order, with results on day three, shot in a small bathroom', {
    'Curly hair': 'curl cream, diffuser drying, leave-in conditioner, curl gel, plopping, satin bonnet',
    'Styling': 'blowout, braids, beach waves, updo, sleek ponytail, heatless curls',
    'Hair health': 'hair mask, scalp serum, bond repair, argan oil, trim routine, silk pillowcase',
    'Hair colour': 'balayage, gloss treatment, purple shampoo, root touch-up, copper colour, grey blending',
  }],
  ['Fitness', 'workout, programme, form check, guide, challenge', 'full-body, no-equipment, 20-minute, beginner, high-intensity, low-impact', 'for beginners, for busy parents, for home workouts, for building strength', 'filmed in one take, with a timer on screen, with easier and harder versions, with a warm-up and cool-down', {
    'Strength': 'squat, deadlift, push-ups, kettlebell swing, pull-ups, lunges',
    'HIIT': 'tabata, circuit, jump rope, burpees, sprint intervals, EMOM',
    'Mobility': 'hip mobility, shoulder mobility, stretching routine, foam rolling, ankle drills, posture fix',
    'Home gym': 'adjustable dumbbells, resistance bands, squat rack, pull-up bar, rowing machine, gym mat',
  }],
  ['Yoga', 'flow, class, practice, sequence, session', 'gentle, morning, slow, power, bedtime, 15-minute', 'for beginners, for stiff backs, for better sleep, for runners', 'taught in a quiet studio, with cues for every breath, with props shown, filmed outdoors at sunrise', {
    'Vinyasa': 'sun salutation, standing flow, core flow, balance flow, twist flow, hip-opening flow',
    'Restorative': 'yin practice, supported poses, legs up the wall, bedtime stretch, breath work, body scan',
    'Meditation': 'guided meditation, breathing exercise, mindfulness, loving-kindness, sleep meditation, focus practice',
    'Yoga gear': 'yoga mat, yoga blocks, yoga strap, bolster, meditation cushion, yoga wheel',
  }],
  ['Running', 'training plan, race report, shoe review, tips, vlog', 'easy, tempo, trail, marathon, first, rainy', 'for new runners, for marathon training, for trail runners, for getting faster', 'filmed on a running camera, with pace and heart rate shown, with the full route map, recorded on race day', {
    'Road running': '5k plan, half marathon, marathon pacing, interval session, long run, recovery run',
    'Trail running': 'mountain race, trail shoes, hydration vest, downhill technique, ultra training, night run',
    'Running shoes': 'daily trainer, carbon racer, stability shoe, cushioned shoe, trail shoe, track spike',
  }],
  ['Cycling', 'ride, review, maintenance guide, route, vlog', 'gravel, road, commuter, long-distance, budget, winter', 'for new riders, for commuters, for bikepackers, for weekend clubs', 'filmed from the handlebars, with the route and climbs shown, with tools listed, shot on a rainy weekend', {
    'Road bikes': 'carbon road bike, group ride, climbing, aero position, crit race, century ride',
    'Gravel': 'gravel bike, bikepacking, forest track, tyre choice, frame bags, overnighter',
    'Bike repair': 'puncture repair, chain cleaning, brake bleed, gear tuning, wheel truing, tubeless setup',
    'Commuting': 'e-bike commute, rain gear, bike lights, cargo bike, panniers, bike lock',
  }],
  ['Gardening', 'guide, tour, tips, how-to, season update', 'organic, small-space, no-dig, spring, balcony, raised-bed', 'for beginners, for small gardens, for busy weekends, for cold climates', 'filmed across one growing season, with sowing dates on screen, with costs shown, recorded in a back garden', {
    'Vegetables': 'tomatoes, courgettes, potatoes, salad leaves, runner beans, garlic',
    'Flowers': 'dahlias, roses, sweet peas, tulip bulbs, sunflowers, cut-flower bed',
    'Garden design': 'garden path, border planting, wildlife pond, raised beds, gravel garden, shade garden',
    'Composting': 'compost heap, worm bin, leaf mould, bokashi, hot compost, compost tea',
  }],
  ['Houseplants', 'care guide, tour, repotting, propagation, haul', 'low-light, pet-safe, rare, easy, trailing, large', 'for beginners, for dark flats, for plant collectors, for forgetful waterers', 'filmed in a sunny living room, with the soil mix shown, with a three-month update, shot close to the leaves', {
    'Tropical plants': 'monstera, pothos, philodendron, calathea, alocasia, bird of paradise',
    'Succulents': 'echeveria, aloe vera, jade plant, string of pearls, haworthia, cactus',
    'Plant care': 'watering schedule, soil mix, grow lights, pest control, fertiliser, humidity tray',
  }],
  ['Home decor', 'makeover, room tour, styling tips, haul, before and after', 'cosy, minimalist, rental-friendly, Scandinavian, budget, vintage', 'for small flats, for renters, for first homes, for families', 'filmed over one weekend, with every item and price listed, with a before-and-after reveal, shot in daylight', {
    'Living room': 'sofa styling, gallery wall, rug choice, reading nook, shelf styling, lighting plan',
    'Bedroom': 'bed styling, headboard, wardrobe, bedside table, curtains, calm colour scheme',
    'Kitchen': 'kitchen makeover, open shelving, pantry organisation, backsplash, kitchen island, cabinet paint',
    'Organisation': 'decluttering, storage boxes, closet system, label system, entryway, drawer dividers',
  }],
  ['Woodworking', 'build, tutorial, project, tool review, shop tour', 'hand-tool, beginner, weekend, reclaimed, Japanese-style, simple', 'for beginners, for small workshops, for hand-tool users, for gift making', 'filmed in a garage workshop, with free plans to download, with every joint shown, built over two weekends', {
    'Furniture': 'coffee table, bookshelf, dining chair, workbench, bed frame, side table',
    'Joinery': 'dovetail joint, mortise and tenon, box joint, finger joint, bridle joint, dowel joint',
    'Hand tools': 'hand plane, chisel set, pull saw, marking gauge, card scraper, sharpening stones',
    'Small projects': 'cutting board, wooden spoon, jewellery box, picture frame, plant stand, key holder',
  }],
  ['Dogs', 'training session, vlog, guide, review, tips', 'puppy, rescue, large-breed, calm, energetic, senior', 'for new owners, for busy owners, for city dogs, for anxious dogs', 'filmed on a daily walk, with treats and timing shown, with a trainer explaining each step, shot at home', {
    'Dog training': 'recall, loose-lead walking, sit and stay, crate training, leave it, clicker training',
    'Dog care': 'grooming, nail trim, dental care, dog food, vet visit, flea treatment',
    'Dog breeds': 'border collie, labrador, french bulldog, german shepherd, dachshund, greyhound',
    'Dog gear': 'dog harness, dog bed, puzzle feeder, dog coat, long lead, dog crate',
  }],
  ['Cats', 'vlog, care guide, review, compilation, tips', 'indoor, kitten, senior, shy, playful, rescue', 'for new cat owners, for small flats, for multi-cat homes, for shy cats', 'filmed at home over a week, with the vet\'s advice, with a calm voice-over, shot at cat height', {
    'Cat care': 'litter box, cat food, grooming, vet check, hydration, dental care',
    'Cat behaviour': 'scratching, night zoomies, hiding, purring, kneading, play hunting',
    'Cat gear': 'cat tree, puzzle toy, scratching post, cat carrier, water fountain, window perch',
  }],
  ['Photography', 'tutorial, gear review, photo walk, editing guide, challenge', 'moody, golden-hour, minimalist, street, film, night', 'for beginners, for phone photographers, for travel photographers, for portrait lovers', 'shot on one camera and one lens, with the settings for every frame, with raw files compared, filmed on a city walk', {
    'Street photography': 'street portraits, city at night, candid scenes, shadow play, market scenes, rain reflections',
    'Portraits': 'natural light portrait, studio portrait, family photos, headshots, couple shoot, window light',
    'Landscape': 'mountain landscape, seascape, long exposure, forest photography, sunset, astrophotography',
    'Editing': 'colour grading, lightroom presets, skin retouching, black and white, film look, sky replacement',
  }],
  ['Travel', 'vlog, itinerary, guide, budget breakdown, tips', 'slow, weekend, budget, off-season, solo, rail', 'for first-time visitors, for backpackers, for families, for rail travellers', 'filmed over a week on the road, with every cost listed, with a map of the route, shot on a phone and a small camera', {
    'City breaks': 'Lisbon, Kyoto, Copenhagen, Mexico City, Istanbul, Edinburgh',
    'Island trips': 'Greek islands, Bali, Azores, Sicily, Okinawa, Faroe Islands',
    'Rail journeys': 'night train, alpine railway, coastal line, rail pass, sleeper cabin, scenic route',
    'Travel packing': 'carry-on packing, packing cubes, travel wardrobe, toiletry kit, travel backpack, tech pouch',
  }],
  ['Guitar', 'lesson, cover, tutorial, gear demo, practice routine', 'easy, fingerstyle, acoustic, blues, beginner, slow', 'for beginners, for self-taught players, for campfire songs, for getting unstuck', 'played slowly then at full speed, with tabs on screen, with a close-up of both hands, recorded in one take', {
    'Chords': 'barre chords, open chords, chord changes, power chords, seventh chords, capo use',
    'Fingerstyle': 'travis picking, fingerpicking pattern, classical piece, percussive strumming, harmonics, alternate tuning',
    'Guitar gear': 'acoustic guitar, electric guitar, guitar amp, effects pedal, guitar strings, capo',
    'Music theory': 'pentatonic scale, major scale, circle of fifths, intervals, modes, rhythm reading',
  }],
  ['Gaming', 'playthrough, review, guide, highlights, tips', 'cosy, competitive, retro, indie, co-op, speedrun', 'for casual players, for completionists, for new players, for couch co-op', 'recorded in one long session, with commentary throughout, with no spoilers, captured on a console', {
    'Strategy games': 'city builder, grand strategy, deck builder, tower defence, 4X campaign, tactics game',
    'Cosy games': 'farming game, life sim, puzzle game, cooking game, island game, decorating game',
    'Retro games': 'platformer, arcade shooter, JRPG, handheld classic, pixel-art game, racing game',
    'Game hardware': 'handheld console, controller, gaming headset, capture card, gaming monitor, mechanical keyboard',
  }],
  ['Tech', 'review, unboxing, comparison, setup guide, long-term test', 'budget, flagship, compact, refurbished, wireless, minimal', 'for students, for home offices, for everyday use, for creators', 'tested for a month of daily use, with battery tests, with honest downsides, filmed on a tidy desk', {
    'Phones': 'budget phone, flagship phone, phone camera, phone battery, foldable phone, phone case',
    'Laptops': 'ultrabook, student laptop, laptop stand, battery life, creator laptop, tablet keyboard',
    'Audio': 'wireless earbuds, noise-cancelling headphones, bookshelf speakers, USB microphone, portable speaker, turntable',
    'Desk setup': 'desk tour, monitor arm, standing desk, cable management, webcam, desk lamp',
  }],
  ['Coffee', 'brew guide, review, tutorial, comparison, tasting', 'pour-over, single-origin, cold-brew, light-roast, budget, cafe-style', 'for home baristas, for beginners, for busy mornings, for espresso lovers', 'brewed on a kitchen counter, with grind size and ratios shown, with a side-by-side tasting, filmed in the morning', {
    'Espresso': 'espresso machine, latte art, milk steaming, espresso dialling, flat white, portafilter',
    'Filter coffee': 'V60 pour-over, French press, AeroPress, Chemex, batch brew, cold brew',
    'Beans': 'Ethiopian beans, Colombian beans, decaf, home roasting, bean storage, blends',
  }],
  ['Personal finance', 'explainer, guide, budget plan, step by step, tips', 'simple, frugal, long-term, beginner, low-cost, practical', 'for first jobs, for families, for freelancers, for beginners', 'explained with one spreadsheet, with real numbers shown, with no jargon, filmed at a kitchen table', {
    'Budgeting': 'monthly budget, envelope method, grocery budget, expense tracking, sinking funds, zero-based budget',
    'Saving': 'emergency fund, high-yield savings, saving challenge, house deposit, cutting bills, no-spend month',
    'Investing': 'index funds, pension basics, compound interest, ETF portfolio, dividend investing, robo-advisor',
  }],
];

export const TOPICS: TopicVocab[] = raw.map(([name, formats, modifiers, audiences, details, subtopics]) => ({
  name,
  formats: list(formats),
  modifiers: list(modifiers),
  audiences: list(audiences),
  details: list(details),
  subtopics,
}));

export const thingsOf = (topic: TopicVocab, subtopic: string): string[] => list(topic.subtopics[subtopic]);
